"""What anyone may read without signing in: published needs, offers and partnerships."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render
from django.views.decorators.http import require_safe

from matching.models import Partnership
from registry.models import Need, Offer
from web.access import coordinator_required
from web.paging import page_of


@require_safe
def home(request):
    return render(request, "web/home.html")


@require_safe
def needs(request):
    rows = (
        Need.objects.visible_to(AnonymousUser())
        .select_related("organization")
        .order_by("-priority", "-created_at", "-id")
    )
    page, query = page_of(request, rows)
    return render(request, "web/public/needs.html", {"page": page, "query": query})


@require_safe
def offers(request):
    rows = (
        Offer.objects.visible_to(AnonymousUser())
        .select_related("organization", "category")
        .order_by("-created_at", "-id")
    )
    page, query = page_of(request, rows)
    return render(request, "web/public/offers.html", {"page": page, "query": query})


@require_safe
def partnerships(request):
    rows = (
        Partnership.objects.select_related("need", "need__organization")
        .prefetch_related("partners__organization")
        .order_by("-formed_at", "-id")
    )
    page, query = page_of(request, rows)
    return render(request, "web/public/partnerships.html", {"page": page, "query": query})


def _dashboard(request, *, coordinator: bool):
    """The page's context; `?area=KE` drills the area table down to a country's subdivisions."""
    from django.utils.translation import gettext as _

    from registry.area_codes import GLOBAL, is_subdivision
    from registry.areas import area_name
    from registry.currency_rates import current_rates
    from web import dashboard as charts

    area = request.GET.get("area", "").strip().upper() or None
    error = None
    if area and (is_subdivision(area) or area == GLOBAL.upper() or area_name(area) is None):
        error = _("%(code)s is not a country code: use an ISO 3166-1 alpha-2 code, such as KE.") % {
            "code": area
        }
        area = None
    sections = charts.sections(area=area)
    rates = current_rates()
    context = {
        "sections": sections,
        "world": charts.world_map(sections[0].countries),
        "chart_width": charts.CHART_WIDTH,
        "rates_as_of": rates.as_of,
        "rates_source": rates.source,
        "coordinator_view": coordinator,
        "area": area,
        "area_name": area_name(area) if area else None,
        "area_error": error,
    }
    return render(request, "web/public/dashboard.html", context, status=400 if error else 200)


@require_safe
def dashboard(request):
    """The gap dashboard: needed, reserved, committed and delivered, by area (countries rolled
    up, or one country's subdivisions), resource, group, focus area and SDG target, and a map
    of the gap closed."""
    return _dashboard(request, coordinator=False)


@require_safe
@coordinator_required
def coordinator_dashboard(request):
    """The same dashboard for coordinators, each row linked to its proposals in the queue."""
    return _dashboard(request, coordinator=True)
