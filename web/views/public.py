"""What anyone may read without signing in: published needs, offers and partnerships."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render
from django.views.decorators.http import require_safe

from matching.models import Partnership
from registry.models import Need, Offer
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


@require_safe
def dashboard(request):
    """The gap dashboard: what is needed, reserved and committed, by category, country, group."""
    from web import dashboard as reads

    context = {
        "categories": reads.by_category(),
        "countries": reads.by_country(),
        "groups": reads.by_group(),
    }
    return render(request, "web/public/dashboard.html", context)
