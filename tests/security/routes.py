"""How to call every operation of the API on a record of the world, and what a call may change."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken

from interchange.models import ImportJob, OrganizationAlias, OrganizationMerge
from matching.models import (
    Comment,
    Commitment,
    MatchRun,
    Partnership,
    ProgressReport,
    Proposal,
    ProposalLine,
    StateChange,
)
from notifications.models import Event, Notification, Webhook, WebhookDelivery
from registry.models import Endorsement, Membership, Need, NeedItem, Offer, Organization
from tests.factories import PASSWORD
from tests.security.world import World

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
WATCHED = (
    get_user_model(),
    AuthToken,
    Organization,
    Membership,
    Offer,
    Need,
    NeedItem,
    Endorsement,
    MatchRun,
    Proposal,
    ProposalLine,
    Commitment,
    Partnership,
    ProgressReport,
    StateChange,
    Comment,
    Event,
    Notification,
    Webhook,
    WebhookDelivery,
    OrganizationMerge,
    OrganizationAlias,
    ImportJob,
)


def schema_operations() -> set[tuple[str, str]]:
    """(path, method) of every operation the live OpenAPI schema documents."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def database_state(*records) -> dict:
    """Row counts of every table the API writes, and the full rows of `records`."""
    state: dict = {model.__name__: model.objects.count() for model in WATCHED}
    for record in records:
        if record is not None:
            state[repr(record)] = type(record).objects.filter(pk=record.pk).values().get()
    return state


@dataclass(frozen=True)
class Operation:
    """Who owns the records of an operation, which record each target is, and what to send."""

    owner: str = "ngo"
    targets: dict[str, str] = field(default_factory=lambda: {"-": ""})
    body: dict | None = None
    listed_in: str | None = None  # the list route whose results must agree with a detail GET


OFFER = {
    "organization": "{ngo}",
    "title": "Tablets for a library",
    "category": "tablets",
    "quantity": "12",
    "areas": ["KE"],
    "status": "published",
}
NEED = {
    "organization": "{county}",
    "title": "Skills for older persons",
    "area": "KE-30",
    "status": "open",
    "items": [{"category": "trainer-days", "quantity": "20"}],
}
# A period cannot end in the future nor before the partnership formed (today, in the world).
REPORT = {
    "period_end": timezone.localdate().isoformat(),
    "indicator_value": "12",
    "narrative": "Progress made.",
}
COMMENT = {"body": "The rural schools need the laptops before the term starts."}
ORGANIZATIONS = {"public": "ngo", "private": "dormant"}
OFFERS = {"public": "offer_published", "private": "offer_draft"}
NEEDS = {"public": "need_open", "private": "need_draft"}
PROPOSALS = {"proposed": "proposal_proposed", "accepted": "proposal_accepted"}
PARTNERSHIP = {"public": "partnership"}
REPORTS = {"public": "report_approved", "private": "report_submitted"}
RUN = {"private": "run"}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("/api/v1/auth/register/", "post"): Operation(
        body={"username": "brand.new", "email": "brand.new@example.org", "password": PASSWORD}
    ),
    ("/api/v1/auth/token/", "post"): Operation(
        body={"username": "token.holder", "password": PASSWORD}
    ),
    ("/api/v1/auth/logout/", "post"): Operation(),
    ("/api/v1/auth/logout-all/", "post"): Operation(),
    ("/api/v1/auth/password/", "post"): Operation(
        body={"current_password": PASSWORD, "new_password": "another-horse-battery-2"}
    ),
    ("/api/v1/exports/iati-activities/", "get"): Operation(),
    ("/api/v1/exports/iati-organisation/", "get"): Operation(),  # no organization: 400
    ("/api/v1/exports/hxl/offers/", "get"): Operation(),
    ("/api/v1/exports/hxl/needs/", "get"): Operation(),
    ("/api/v1/exports/hxl/partnerships/", "get"): Operation(),
    ("/api/v1/exports/hsds/organizations/", "get"): Operation(),
    ("/api/v1/exports/lists/{name}/", "get"): Operation(
        targets={"public": "offers", "private": "match-runs"}
    ),
    ("/api/v1/imports/offers/", "post"): Operation(body={}),  # JSON: multipart only, 415
    ("/api/v1/imports/offers/template/", "get"): Operation(),
    ("/api/v1/imports/needs/", "post"): Operation(body={}),  # JSON: multipart only, 415
    ("/api/v1/imports/needs/template/", "get"): Operation(),
    ("/api/v1/imports/organizations/", "post"): Operation(body={}),  # JSON: multipart only, 415
    ("/api/v1/imports/organizations/template/", "get"): Operation(),
    ("/api/v1/imports/jobs/{job_id}/", "get"): Operation(targets={"private": "import_job"}),
    ("/api/v1/imports/jobs/{job_id}/confirm/", "post"): Operation(
        targets={"private": "import_job"}
    ),
    ("/api/v1/match-runs/", "get"): Operation(),
    ("/api/v1/match-runs/", "post"): Operation(body={"parameters": {"seed": 7}}),
    ("/api/v1/match-runs/{id}/", "get"): Operation(targets=RUN, listed_in="/api/v1/match-runs/"),
    ("/api/v1/match-runs/{id}/history/", "get"): Operation(targets=RUN),
    ("/api/v1/needs/", "get"): Operation(owner="county"),
    ("/api/v1/needs/", "post"): Operation(owner="county", body=NEED),
    ("/api/v1/needs/{id}/", "get"): Operation(
        owner="county", targets=NEEDS, listed_in="/api/v1/needs/"
    ),
    ("/api/v1/needs/{id}/", "patch"): Operation(
        owner="county", targets=NEEDS, body={"title": "Renamed"}
    ),
    ("/api/v1/needs/{id}/", "delete"): Operation(owner="county", targets=NEEDS),
    ("/api/v1/needs/{id}/endorsements/", "get"): Operation(owner="county", targets=NEEDS),
    ("/api/v1/needs/{id}/endorsements/", "post"): Operation(
        owner="county",
        targets=NEEDS,
        body={"organization": "{community}", "comment": "Our members need this."},
    ),
    ("/api/v1/notifications/", "get"): Operation(),
    ("/api/v1/notifications/preferences/", "get"): Operation(),
    ("/api/v1/notifications/preferences/", "patch"): Operation(body={"email": "off"}),
    ("/api/v1/notifications/{id}/read/", "post"): Operation(
        targets={"private": "notification"}, body={}
    ),
    ("/api/v1/offers/", "get"): Operation(),
    ("/api/v1/offers/", "post"): Operation(body=OFFER),
    ("/api/v1/offers/{id}/", "get"): Operation(targets=OFFERS, listed_in="/api/v1/offers/"),
    ("/api/v1/offers/{id}/", "patch"): Operation(targets=OFFERS, body={"title": "Renamed"}),
    ("/api/v1/offers/{id}/", "delete"): Operation(targets=OFFERS),
    ("/api/v1/organizations/", "get"): Operation(),
    ("/api/v1/organizations/", "post"): Operation(
        body={"name": "Open Laptops Trust", "kind": "ngo", "country": "KE"}
    ),
    ("/api/v1/organizations/{id}/", "get"): Operation(
        targets=ORGANIZATIONS, listed_in="/api/v1/organizations/"
    ),
    ("/api/v1/organizations/{id}/", "patch"): Operation(
        targets=ORGANIZATIONS, body={"description": "Edited."}
    ),
    ("/api/v1/organizations/{id}/members/", "get"): Operation(targets=ORGANIZATIONS),
    ("/api/v1/organizations/{id}/members/", "post"): Operation(
        targets=ORGANIZATIONS, body={"username": "newcomer", "role": "viewer"}
    ),
    ("/api/v1/organizations/{id}/members/{user_id}/", "delete"): Operation(targets=ORGANIZATIONS),
    ("/api/v1/organizations/{id}/verify/", "post"): Operation(targets=ORGANIZATIONS, body={}),
    ("/api/v1/organizations/duplicates/", "get"): Operation(),
    ("/api/v1/organizations/{id}/merge/", "post"): Operation(
        targets=ORGANIZATIONS, body={"into": "{company}", "reason": "Registered twice."}
    ),
    ("/api/v1/partnerships/", "get"): Operation(),
    ("/api/v1/partnerships/{id}/", "get"): Operation(
        targets=PARTNERSHIP, listed_in="/api/v1/partnerships/"
    ),
    ("/api/v1/partnerships/{id}/history/", "get"): Operation(targets=PARTNERSHIP),
    ("/api/v1/partnerships/{id}/complete/", "post"): Operation(targets=PARTNERSHIP, body={}),
    ("/api/v1/partnerships/{id}/cancel/", "post"): Operation(
        targets=PARTNERSHIP, body={"reason": "A partner left."}
    ),
    ("/api/v1/partnerships/{id}/reports/", "get"): Operation(targets=PARTNERSHIP),
    ("/api/v1/partnerships/{id}/reports/", "post"): Operation(targets=PARTNERSHIP, body=REPORT),
    ("/api/v1/partnerships/{id}/reports/{report_id}/review/", "post"): Operation(
        targets={"public": "report_approved", "private": "report_submitted"},
        body={"approve": True},
    ),
    ("/api/v1/partnerships/{id}/reports/{report_id}/comments/", "get"): Operation(targets=REPORTS),
    ("/api/v1/partnerships/{id}/reports/{report_id}/comments/", "post"): Operation(
        targets=REPORTS, body=COMMENT
    ),
    ("/api/v1/partnerships/{id}/reports/{report_id}/submit/", "post"): Operation(
        targets={"public": "report_approved", "private": "report_draft"}, body={}
    ),
    ("/api/v1/proposals/", "get"): Operation(),
    ("/api/v1/proposals/{id}/", "get"): Operation(
        targets=PROPOSALS, listed_in="/api/v1/proposals/"
    ),
    ("/api/v1/proposals/{id}/history/", "get"): Operation(targets=PROPOSALS),
    ("/api/v1/proposals/{id}/comments/", "get"): Operation(targets=PROPOSALS),
    ("/api/v1/proposals/{id}/comments/", "post"): Operation(targets=PROPOSALS, body=COMMENT),
    ("/api/v1/proposals/{id}/accept/", "post"): Operation(targets=PROPOSALS, body={}),
    ("/api/v1/proposals/{id}/reject/", "post"): Operation(
        targets=PROPOSALS, body={"reason": "Another coalition fits better."}
    ),
    ("/api/v1/proposals/{id}/revoke/", "post"): Operation(
        targets=PROPOSALS, body={"reason": "The offer is under audit."}
    ),
    ("/api/v1/proposals/{id}/confirm/", "post"): Operation(targets=PROPOSALS, body={}),
    ("/api/v1/proposals/{id}/decline/", "post"): Operation(
        targets=PROPOSALS, body={"reason": "No capacity this year."}
    ),
    ("/api/v1/stats/coverage/", "get"): Operation(),
    ("/api/v1/taxonomy/categories/", "get"): Operation(),
    ("/api/v1/taxonomy/categories/{slug}/", "get"): Operation(targets={"public": "laptops"}),
    ("/api/v1/taxonomy/focus-areas/", "get"): Operation(),
    ("/api/v1/taxonomy/focus-areas/{slug}/", "get"): Operation(targets={"public": "devices"}),
    ("/api/v1/taxonomy/sdg-goals/", "get"): Operation(),
    ("/api/v1/taxonomy/sdg-goals/{goal}/", "get"): Operation(targets={"public": "9"}),
    ("/api/v1/taxonomy/sdg-targets/", "get"): Operation(),
    ("/api/v1/taxonomy/sdg-targets/{code}/", "get"): Operation(targets={"public": "9.c"}),
    ("/api/v1/taxonomy/vulnerable-groups/", "get"): Operation(),
    ("/api/v1/taxonomy/vulnerable-groups/{slug}/", "get"): Operation(
        targets={"public": "older-persons"}
    ),
    ("/api/v1/webhooks/", "get"): Operation(),
    ("/api/v1/webhooks/", "post"): Operation(
        body={
            "url": "https://hooks.example.org/new",
            "events": ["partnership_formed"],
            "organization": "{ngo}",
        }
    ),
    ("/api/v1/webhooks/{id}/", "delete"): Operation(targets={"private": "webhook"}),
    ("/api/v1/webhooks/{id}/deliveries/", "get"): Operation(targets={"private": "webhook"}),
}


def _fill(value, world: World):
    """Replace "{name}" placeholders in a body with the primary keys of the world's records."""
    if isinstance(value, dict):
        return {key: _fill(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, world) for item in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]].pk
    return value


def target_record(world: World, path: str, method: str, target: str):
    """The record a cell acts on (None for collections and taxonomies)."""
    name = OPERATIONS[(path, method)].targets[target]
    return world.objects.get(name)


def url_of(world: World, path: str, method: str, target: str) -> str:
    """The concrete URL of a cell."""
    name = OPERATIONS[(path, method)].targets[target]
    record = world.objects.get(name)
    if "{report_id}" in path:
        return path.replace("{id}", str(record.partnership_id)).replace(
            "{report_id}", str(record.pk)
        )
    if "{user_id}" in path:
        return path.replace("{id}", str(record.pk)).replace("{user_id}", str(world["leaver"].pk))
    for placeholder in ("{id}", "{slug}", "{code}", "{goal}", "{name}", "{job_id}"):
        path = path.replace(placeholder, str(record.pk) if record is not None else name)
    return path


def call(world: World, path: str, method: str, target: str, role: str):
    """Make one cell's request as `role`; answer the response."""
    operation = OPERATIONS[(path, method)]
    client = world.client(role, operation.owner)
    url = url_of(world, path, method, target)
    if operation.body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, _fill(operation.body, world), format="json")
