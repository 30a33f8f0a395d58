"""Synthetic catalogues in PostgreSQL from bench/generator.py: a large one for runs long enough
to be interrupted (organizations, published offers, open needs and their items, with
bulk_create), and the benchmark's own load of a smaller one, members included."""

from __future__ import annotations

import dataclasses
import functools
from decimal import Decimal

import psycopg
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from bench.generator import CATEGORIES, generate
from bench.load import load
from matching.engine import Problem
from registry.models import Need, NeedItem, Offer, Organization

CENT = Decimal("0.01")


@functools.cache
def synthetic_problem(needs: int, offers: int, seed: int = 7) -> Problem:
    """The first `needs` needs and `offers` offers of the generator's M catalogue."""
    problem = generate("M", seed=seed)
    return dataclasses.replace(problem, needs=problem.needs[:needs], offers=problem.offers[:offers])


def _quantity(value: float) -> Decimal:
    return max(CENT, Decimal(repr(value)).quantize(CENT))


def load_catalogue(*, needs: int = 1500, offers: int = 6000) -> dict[str, int]:
    """Write the synthetic catalogue; answers the row counts written."""
    problem = synthetic_problem(needs, offers)
    kinds = {offer.organization_id: offer.organization_kind for offer in problem.offers}
    kinds.update({need.organization_id: "government" for need in problem.needs})
    # Verified by a coordinator: only verified organizations' needs are matched.
    verifier, _ = get_user_model().objects.get_or_create(username="catalogue.verifier")
    verified_at = timezone.now()
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"Synthetic organization {key}",
            kind=kind,
            country="KE",
            verified_at=verified_at,
            verified_by=verifier,
        )
        for key, kind in sorted(kinds.items())
    )
    organization_of = {key: row.pk for key, row in zip(sorted(kinds), organizations, strict=True)}
    Offer.objects.bulk_create(
        Offer(
            organization_id=organization_of[offer.organization_id],
            title=offer.text[:200],
            description=offer.text,
            category_id=offer.category,
            kind=CATEGORIES[offer.category][0],
            quantity=_quantity(offer.remaining),
            currency=offer.currency or "",
            areas=list(offer.areas),
            available_from=offer.available_from,
            min_allocation=min(_quantity(offer.min_allocation), _quantity(offer.remaining))
            if offer.min_allocation
            else None,
            status=Offer.Status.PUBLISHED,
        )
        for offer in problem.offers
    )
    rows = Need.objects.bulk_create(
        Need(
            organization_id=organization_of[need.organization_id],
            title=need.text[:200],
            description=need.text,
            area=need.area,
            priority=need.priority,
            status=Need.Status.OPEN,
        )
        for need in problem.needs
    )
    items = NeedItem.objects.bulk_create(
        NeedItem(
            need=row,
            category_id=item.category,
            kind=CATEGORIES[item.category][0],
            quantity=_quantity(item.remaining),
            currency=item.currency or "",
        )
        for row, need in zip(rows, problem.needs, strict=True)
        for item in need.items
    )
    return {
        "organizations": len(organizations),
        "offers": len(problem.offers),
        "needs": len(rows),
        "items": len(items),
    }


def load_generated_catalogue(*, seed: int, scale: float) -> None:
    """bench.generator's synthetic catalogue, copied into the test's own transaction."""
    connection.ensure_connection()
    raw: psycopg.Connection = connection.connection
    load(raw, generate("S", supply=0.8, seed=seed, scale=scale), commit=False)
    with raw.cursor() as cursor:  # bench.load turns triggers off for its COPY; back on
        cursor.execute("SET LOCAL session_replication_role = origin")
