"""Row locks on offers and need items, always taken in primary-key order (no deadlock cycles)."""

from __future__ import annotations

from collections.abc import Iterable

from registry.models import NeedItem, Offer


def lock_offers(offer_ids: Iterable[int]) -> dict[int, Offer]:
    """SELECT ... FOR UPDATE the offers, in primary-key order; must run inside a transaction."""
    return {
        offer.pk: offer
        for offer in Offer.objects.select_for_update().filter(pk__in=set(offer_ids)).order_by("pk")
    }


def lock_items(item_ids: Iterable[int]) -> dict[int, NeedItem]:
    """SELECT ... FOR UPDATE the need items, in primary-key order."""
    return {
        item.pk: item
        for item in NeedItem.objects.select_for_update().filter(pk__in=set(item_ids)).order_by("pk")
    }
