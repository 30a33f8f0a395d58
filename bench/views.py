"""Floor views for the API benchmark: the API's JSON from `.values()` and orjson, no DRF.

Each answers exactly what its API endpoint answers (bench/api.py checks), doing only what the
answer needs: one count, one query for the page, one per related list. The proposal views also
authenticate the token with knox and check the coordinator group, as the API must (a coordinator
sees every proposal); the public lists need neither. That is the floor the API's own views are
measured against. Served under /bench/ by the benchmark's own server (bench/urls.py).
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Any

import orjson
from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from knox.auth import TokenAuthentication
from rest_framework.utils.urls import remove_query_param, replace_query_param

from matching.models import Proposal, ProposalLine
from registry.area_codes import covering_areas
from registry.models import Consultation, Need, NeedItem, Offer
from registry.models.visibility import is_coordinator

# The field lists repeat the API serializers' on purpose: the floor shares no code with what it
# is measured against, and bench/api.py checks that both answer the same JSON.
PROPOSAL = ("id", "run_id", "need_id", "status", "score", "coverage", "explanation")
PROPOSAL_TAIL = ("created_at", "decided_at", "reason")
LINE = (
    "id",
    "offer_id",
    "need_item_id",
    "organization_id",
    "quantity",
    "offer_quantity",
    "score",
    "terms",
    "explanation",
    "confirmation",
    "confirmed_at",
)
OFFER = (
    "id",
    "organization_id",
    "title",
    "description",
    "category_id",
    "kind",
    "quantity",
    "currency",
    "areas",
)
OFFER_TAIL = (
    "available_from",
    "available_until",
    "min_allocation",
    "status",
    "reserved",
    "committed",
    "remaining",
    "created_at",
    "updated_at",
)


def api_name(field: str) -> str:
    return field.removesuffix("_id")


def json_response(body: Any) -> HttpResponse:
    # Decimals as their string (the columns' scale is the API's), datetimes with "Z" as DRF does.
    return HttpResponse(
        orjson.dumps(body, default=str, option=orjson.OPT_UTC_Z),
        content_type="application/json",
    )


def paginate(request: HttpRequest, queryset: QuerySet, api_path: str) -> tuple[list, dict]:
    """The page's slice of `queryset` and the envelope DRF's PageNumberPagination writes."""
    size = min(int(request.GET.get("page_size") or 25), 100)
    number = int(request.GET.get("page") or 1)
    count = queryset.count()
    url = request.build_absolute_uri(f"{api_path}?{request.GET.urlencode()}")
    last = max(1, -(-count // size))
    envelope = {
        "count": count,
        "next": replace_query_param(url, "page", number + 1) if number < last else None,
        "previous": None
        if number == 1
        else (
            remove_query_param(url, "page")
            if number == 2
            else replace_query_param(url, "page", number - 1)
        ),
    }
    return list(queryset[(number - 1) * size : number * size]), envelope


def lines_of(proposal_ids: list[int]) -> dict[int, list[dict]]:
    lines: dict[int, list[dict]] = defaultdict(list)
    rows = (
        ProposalLine.objects.filter(proposal_id__in=proposal_ids)
        .order_by("pk")
        .values_list("proposal_id", *LINE)
    )
    for proposal_id, *values in rows:
        lines[proposal_id].append(dict(zip(map(api_name, LINE), values, strict=True)))
    return lines


def proposal_body(row: tuple, lines: list[dict]) -> dict:
    body = dict(zip(map(api_name, PROPOSAL), row[: len(PROPOSAL)], strict=True))
    body["lines"] = lines
    body.update(zip(PROPOSAL_TAIL, row[len(PROPOSAL) :], strict=True))
    return body


def coordinator(request: HttpRequest) -> bool:
    """The token's user is a coordinator (knox's own check: one query and a SHA-512)."""
    found = TokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    return found is not None and is_coordinator(found[0])


def proposals(request: HttpRequest) -> HttpResponse:
    if not coordinator(request):
        return HttpResponse(status=401)
    queryset = Proposal.objects.order_by("-created_at", "-id").values_list(
        *PROPOSAL, *PROPOSAL_TAIL
    )
    rows, envelope = paginate(request, queryset, "/api/v1/proposals/")
    lines = lines_of([row[0] for row in rows])
    return json_response(
        {**envelope, "results": [proposal_body(row, lines[row[0]]) for row in rows]}
    )


def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    if not coordinator(request):
        return HttpResponse(status=401)
    row = Proposal.objects.values_list(*PROPOSAL, *PROPOSAL_TAIL).get(pk=pk)
    return json_response(proposal_body(row, lines_of([pk])[pk]))


def related_slugs(through, owner: str, target: str, ids: list[int], order: str) -> dict:
    """{owner id: [slugs]} of an M2M relation, in the target model's ordering."""
    slugs: dict[int, list[str]] = defaultdict(list)
    rows = through.objects.filter(**{f"{owner}__in": ids}).order_by(order)
    for owner_id, slug in rows.values_list(owner, target):
        slugs[owner_id].append(slug)
    return slugs


def offers(request: HttpRequest) -> HttpResponse:
    queryset = Offer.objects.filter(status=Offer.Status.PUBLISHED)
    if area := request.GET.get("area"):
        queryset = queryset.filter(areas__overlap=covering_areas(area.upper()))
    if category := request.GET.get("category"):
        queryset = queryset.filter(category_id=category)
    if q := request.GET.get("q"):
        queryset = queryset.filter(search=SearchQuery(q, search_type="websearch", config="english"))
    queryset = queryset.order_by("-created_at", "-id").values_list(*OFFER, *OFFER_TAIL)
    rows, envelope = paginate(request, queryset, "/api/v1/offers/")
    ids = [row[0] for row in rows]
    focus = related_slugs(
        Offer.focus_areas.through, "offer_id", "focusarea_id", ids, "focusarea_id"
    )
    groups = related_slugs(
        Offer.vulnerable_groups.through,
        "offer_id",
        "vulnerablegroup_id",
        ids,
        "vulnerablegroup_id",
    )
    results = []
    for row in rows:
        body = dict(zip(map(api_name, OFFER), row[: len(OFFER)], strict=True))
        body["focus_areas"], body["vulnerable_groups"] = focus[row[0]], groups[row[0]]
        body.update(zip(OFFER_TAIL, row[len(OFFER) :], strict=True))
        results.append(body)
    return json_response({**envelope, "results": results})


NEED = ("id", "organization_id", "title", "description", "area")
NEED_MIDDLE = (
    "population",
    "indicator_name",
    "indicator_unit",
    "indicator_baseline",
    "indicator_target",
    "indicator_source",
    "indicator_date",
    "indicator_disaggregation",
    "deadline",
    "priority",
    "status",
)
NEED_TAIL = ("created_at", "updated_at")


def consultations_of(ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    rows = list(
        Consultation.objects.filter(need_id__in=ids).values_list(
            "id", "need_id", "held_on", "summary"
        )
    )
    if not rows:
        return found
    keys = [row[0] for row in rows]
    through = Consultation.groups.through
    groups = related_slugs(
        through, "consultation_id", "vulnerablegroup_id", keys, "vulnerablegroup_id"
    )
    through = Consultation.organizations.through
    organizations = related_slugs(
        through, "consultation_id", "organization_id", keys, "organization__name"
    )
    for key, need_id, held_on, summary in rows:
        found[need_id].append(
            {
                "held_on": held_on,
                "summary": summary,
                "groups": groups[key],
                "organizations": organizations[key],
            }
        )
    return found


def needs(request: HttpRequest) -> HttpResponse:
    queryset = (
        Need.objects.filter(status__in=Need.PUBLIC_STATUSES)
        .order_by("-priority", "deadline", "id")
        .values_list(*NEED, *NEED_MIDDLE, *NEED_TAIL)
    )
    rows, envelope = paginate(request, queryset, "/api/v1/needs/")
    ids = [row[0] for row in rows]
    focus = related_slugs(Need.focus_areas.through, "need_id", "focusarea_id", ids, "focusarea_id")
    groups = related_slugs(
        Need.vulnerable_groups.through, "need_id", "vulnerablegroup_id", ids, "vulnerablegroup_id"
    )
    targets = related_slugs(
        Need.sdg_targets.through, "need_id", "sdgtarget_id", ids, "sdgtarget__position"
    )
    items: dict[int, list[dict]] = defaultdict(list)
    item_fields = ("id", "category_id", "kind", "quantity", "currency", "covered")
    for need_id, *values in (
        NeedItem.objects.filter(need_id__in=ids).order_by("id").values_list("need_id", *item_fields)
    ):
        items[need_id].append(dict(zip(map(api_name, item_fields), values, strict=True)))
    consultations = consultations_of(ids)
    endorsements = dict(
        Need.objects.filter(pk__in=ids)
        .annotate(count=Count("endorsements"))
        .values_list("id", "count")
    )
    results = []
    for row in rows:
        need_id = row[0]
        values = dict(zip(NEED_MIDDLE, row[len(NEED) :], strict=False))
        results.append(
            {
                **dict(zip(map(api_name, NEED), row, strict=False)),
                "focus_areas": focus[need_id],
                "vulnerable_groups": groups[need_id],
                "sdg_targets": targets[need_id],
                "population": values["population"],
                "indicator": {
                    "name": values["indicator_name"],
                    "unit": values["indicator_unit"],
                    "baseline": values["indicator_baseline"],
                    "target": values["indicator_target"],
                    "source": values["indicator_source"],
                    "date": values["indicator_date"],
                    "disaggregation": values["indicator_disaggregation"],
                },
                "deadline": values["deadline"],
                "priority": values["priority"],
                "status": values["status"],
                "items": items[need_id],
                "consultations": consultations[need_id],
                "endorsements": endorsements.get(need_id, 0),
                "created_at": row[-2],
                "updated_at": row[-1],
            }
        )
    return json_response({**envelope, "results": results})


def empty(request: HttpRequest) -> HttpResponse:
    """The cheapest Django answer: the request/response cycle and middleware only. It names the
    worker process that answered (bench.api waits until every worker is free between runs)."""
    response = HttpResponse(b"{}", content_type="application/json")
    response["X-Worker"] = str(os.getpid())
    return response
