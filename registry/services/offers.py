"""Writes on offers: create, edit, publish, pause, withdraw."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.errors import Conflict, ValidationError
from registry.models import Offer, Organization
from registry.services.permissions import ensure_writer
from registry.services.validation import check_currency, check_quantity
from registry.signals import catalogue_changed, offer_retired

OFFER_FIELDS = (
    "title",
    "description",
    "category",
    "quantity",
    "currency",
    "areas",
    "available_from",
    "available_until",
    "min_allocation",
    "status",
)
OFFER_RELATIONS = ("focus_areas", "vulnerable_groups")
SETTABLE_STATUSES = (Offer.Status.DRAFT, Offer.Status.PUBLISHED, Offer.Status.PAUSED)


def _check_offer(offer: Offer) -> None:
    """Rules that span fields; the database constraints repeat them as a backstop."""
    check_quantity(offer.quantity)
    offer.kind = offer.category.kind
    offer.currency = check_currency(offer.category, offer.currency)
    if offer.min_allocation is not None and not 0 < offer.min_allocation <= offer.quantity:
        raise ValidationError(
            {"min_allocation": [_("Must be above zero and at most the quantity.")]}
        )
    if (
        offer.available_from
        and offer.available_until
        and offer.available_until < offer.available_from
    ):
        raise ValidationError({"available_until": [_("Must not be before available_from.")]})
    if offer.quantity < offer.committed:
        raise ValidationError(
            {
                "quantity": [
                    _("%(committed)s is already committed to partnerships.")
                    % {"committed": offer.committed}
                ]
            }
        )
    if offer.status not in SETTABLE_STATUSES and offer.status != Offer.Status.WITHDRAWN:
        raise ValidationError(
            {
                "status": [
                    _("Status must be one of %(statuses)s.")
                    % {"statuses": ", ".join(SETTABLE_STATUSES)}
                ]
            }
        )
    areas = list(dict.fromkeys(offer.areas or []))
    if not areas:
        raise ValidationError({"areas": [_("Name at least one area (or 'global').")]})
    offer.areas = areas


def _check_publishable(offer: Offer, *, was_published: bool, availability_changed: bool) -> None:
    """An offer cannot be published once its availability has ended."""
    if offer.status != Offer.Status.PUBLISHED or offer.available_until is None:
        return
    if offer.available_until < timezone.localdate() and (not was_published or availability_changed):
        raise ValidationError(
            {
                "available_until": [
                    _("The offer's availability ended on %(date)s: it cannot be published.")
                    % {"date": offer.available_until.isoformat()}
                ]
            }
        )


def _announce(offer: Offer, change: str) -> None:
    transaction.on_commit(
        lambda: catalogue_changed.send(
            sender=Offer, kind="offer", object_id=offer.pk, change=change
        )
    )


def _retire(offer: Offer, *, actor, cause: str, quantity=None) -> None:
    """The offer's live proposals go, in this transaction (before a lower quantity is saved)."""
    offer_retired.send(sender=Offer, offer_id=offer.pk, actor=actor, cause=cause, quantity=quantity)


@transaction.atomic
def create_offer(*, actor, organization: Organization, data: dict[str, Any]) -> Offer:
    """Register an offer of the actor's organization (draft unless a status is given)."""
    ensure_writer(actor, organization)
    if not organization.is_active:
        raise ValidationError({"organization": [_("This organization is not active.")]})
    if data.get("status") == Offer.Status.WITHDRAWN:
        raise ValidationError({"status": [_("A new offer cannot be withdrawn.")]})
    offer = Offer(organization=organization, **{f: data[f] for f in OFFER_FIELDS if f in data})
    _check_offer(offer)
    _check_publishable(offer, was_published=False, availability_changed=True)
    offer.save()
    for relation in OFFER_RELATIONS:
        if relation in data:
            getattr(offer, relation).set(data[relation])
    if offer.status == Offer.Status.PUBLISHED:
        _announce(offer, "published")
    return offer


@transaction.atomic
def update_offer(*, actor, offer: Offer, data: dict[str, Any]) -> Offer:
    """Edit an offer; capacity already promised cannot be edited away."""
    ensure_writer(actor, offer.organization)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == Offer.Status.WITHDRAWN:
        raise Conflict(_("This offer was withdrawn; register a new one."), code="withdrawn")
    if data.get("status") == Offer.Status.WITHDRAWN:
        raise ValidationError({"status": [_("Withdraw an offer with DELETE.")]})
    changed = [field for field in OFFER_FIELDS if field in data]
    was_published = offer.status == Offer.Status.PUBLISHED
    previous_quantity = offer.quantity
    for field in changed:
        setattr(offer, field, data[field])
    _check_offer(offer)
    _check_publishable(
        offer, was_published=was_published, availability_changed="available_until" in changed
    )
    if was_published and offer.status != Offer.Status.PUBLISHED:
        _retire(offer, actor=actor, cause=f"offer {offer.pk} set to {offer.status}")
    elif offer.quantity < previous_quantity:
        _retire(
            offer,
            actor=actor,
            cause=f"offer {offer.pk} lowered to {offer.quantity}",
            quantity=offer.quantity,
        )
    held = Offer.objects.filter(pk=offer.pk).values_list("reserved", "committed").get()
    if offer.quantity < sum(held):
        raise ValidationError(
            {
                "quantity": [
                    _("%(promised)s is already promised to partnerships.") % {"promised": sum(held)}
                ]
            }
        )
    offer.save(update_fields=[*changed, "kind", "currency", "areas", "updated_at"])
    for relation in OFFER_RELATIONS:
        if relation in data:
            getattr(offer, relation).set(data[relation])
    if offer.status == Offer.Status.PUBLISHED:
        _announce(offer, "changed" if was_published else "published")
    elif was_published:
        _announce(offer, offer.status)
    return offer


@transaction.atomic
def withdraw_offer(*, actor, offer: Offer) -> Offer:
    """Withdraw an offer: it is no longer matched and its live proposals are withdrawn with it
    (their reservations released); commitments of formed partnerships stand."""
    ensure_writer(actor, offer.organization)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != Offer.Status.WITHDRAWN:
        _retire(offer, actor=actor, cause=f"offer {offer.pk} withdrawn")
        was_published = offer.status == Offer.Status.PUBLISHED
        offer.status = Offer.Status.WITHDRAWN
        offer.save(update_fields=["status", "updated_at"])
        if was_published:
            _announce(offer, "withdrawn")
    return offer
