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


def _dashboard_context(*, coordinator: bool) -> dict:
    from registry.currency_rates import current_rates
    from web import dashboard as charts

    sections = charts.sections()
    rates = current_rates()
    return {
        "sections": sections,
        "world": charts.world_map(sections[0]),
        "chart_width": charts.CHART_WIDTH,
        "rates_as_of": rates.as_of,
        "rates_source": rates.source,
        "coordinator_view": coordinator,
    }


@require_safe
def dashboard(request):
    """The gap dashboard: needed, reserved, committed and delivered, by area (rolled up),
    resource, group, focus area and SDG target, and a map of the gap closed."""
    return render(request, "web/public/dashboard.html", _dashboard_context(coordinator=False))


@require_safe
@coordinator_required
def coordinator_dashboard(request):
    """The same dashboard for coordinators, each row linked to its proposals in the queue."""
    return render(request, "web/public/dashboard.html", _dashboard_context(coordinator=True))
