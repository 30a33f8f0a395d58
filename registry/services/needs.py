"""Writes on needs: post, edit, cancel, record consultations, endorse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.area_codes import country_of
from registry.errors import Conflict, ValidationError
from registry.models import Consultation, Endorsement, Need, NeedItem, Organization
from registry.services.permissions import ensure_writer
from registry.services.validation import check_currency, check_quantity
from registry.signals import catalogue_changed, need_retired
from registry.user_content import apply_translations

NEED_FIELDS = (
    "title",
    "description",
    "area",
    "population",
    "deadline",
    "priority",
    "status",
    "indicator_name",
    "indicator_unit",
    "indicator_baseline",
    "indicator_target",
    "indicator_source",
    "indicator_date",
    "indicator_disaggregation",
    "language",
)
# The texts translated into the other languages, and their longest length.
NEED_TEXTS: dict[str, int | None] = {"title": 200, "description": 5000}
NEED_RELATIONS = ("focus_areas", "vulnerable_groups", "sdg_targets")
SETTABLE_STATUSES = (Need.Status.DRAFT, Need.Status.OPEN, Need.Status.CLOSED)


def _check_poster(organization: Organization) -> None:
    if not organization.is_government:
        raise ValidationError(
            {
                "organization": [
                    _("Only government organizations post needs; %(name)s is of kind '%(kind)s'.")
                    % {"name": organization.name, "kind": organization.kind}
                ]
            }
        )
    if not organization.is_active:
        raise ValidationError({"organization": [_("This organization is not active.")]})


def _check_publishable(need: Need, *, was_open: bool, deadline_changed: bool) -> None:
    """An open need must still be achievable: its deadline is not in the past."""
    if not need.is_open or (was_open and not deadline_changed) or need.deadline is None:
        return
    if need.deadline < timezone.localdate():
        raise ValidationError(
            {
                "deadline": [
                    _("%(deadline)s is in the past: an open need needs a deadline ahead.")
                    % {"deadline": need.deadline.isoformat()}
                ]
            }
        )


def _retire(need: Need, *, actor, cause: str) -> None:
    """The need no longer takes partners: its live proposals go, in this transaction."""
    need_retired.send(sender=Need, need_id=need.pk, actor=actor, cause=cause)


def _check_need(need: Need) -> None:
    if country_of(need.area) != need.organization.country:
        raise ValidationError(
            {
                "area": [
                    _("%(area)s is outside %(country)s, the country of %(name)s.")
                    % {
                        "area": need.area,
                        "country": need.organization.country,
                        "name": need.organization.name,
                    }
                ]
            }
        )
    if need.status not in SETTABLE_STATUSES and not need.pk:
        raise ValidationError(
            {
                "status": [
                    _("A new need's status is one of %(statuses)s.")
                    % {"statuses": ", ".join(SETTABLE_STATUSES)}
                ]
            }
        )


def _write_items(need: Need, items: list[dict[str, Any]]) -> None:
    """Replace the need's items; an item that partners already cover cannot shrink below it."""
    categories = [item["category"].slug for item in items]
    duplicates = sorted({slug for slug in categories if categories.count(slug) > 1})
    if duplicates:
        raise ValidationError(
            {
                "items": [
                    _("One item per category: %(categories)s repeats.")
                    % {"categories": ", ".join(duplicates)}
                ]
            }
        )
    if not items:
        raise ValidationError({"items": [_("A need asks for at least one resource.")]})
    existing = {item.category_id: item for item in need.items.select_for_update()}
    for index, values in enumerate(items):
        category = values["category"]
        quantity = Decimal(values["quantity"])
        check_quantity(quantity, field=f"items.{index}.quantity")
        currency = check_currency(category, values.get("currency"), field=f"items.{index}.currency")
        item = existing.pop(category.slug, None)
        if item is None:
            NeedItem.objects.create(
                need=need,
                category=category,
                kind=category.kind,
                quantity=quantity,
                currency=currency,
            )
            continue
        if quantity < item.reserved + item.committed or (
            currency != item.currency and item.covered
        ):
            raise ValidationError(
                {
                    f"items.{index}.quantity": [
                        _("%(covered)s is already covered.")
                        % {"covered": item.reserved + item.committed}
                    ]
                }
            )
        item.quantity, item.currency = quantity, currency
        item.save(update_fields=["quantity", "currency"])
    for item in existing.values():
        if item.reserved or item.committed:
            raise ValidationError(
                {
                    "items": [
                        _("The %(category)s item is already covered by partners; keep it.")
                        % {"category": item.category_id}
                    ]
                }
            )
        item.delete()


def _write_consultations(need: Need, consultations: list[dict[str, Any]]) -> None:
    need.consultations.all().delete()
    for values in consultations:
        consultation = Consultation.objects.create(
            need=need, held_on=values["held_on"], summary=values.get("summary", "")
        )
        consultation.groups.set(values.get("groups", []))
        consultation.organizations.set(values.get("organizations", []))


def _announce(need: Need, change: str, actor=None) -> None:
    transaction.on_commit(
        lambda: catalogue_changed.send(
            sender=Need, kind="need", object_id=need.pk, change=change, actor=actor
        )
    )


@transaction.atomic
def create_need(*, actor, organization: Organization, data: dict[str, Any]) -> Need:
    """Post a need of a government organization, with its items and consultations."""
    ensure_writer(actor, organization)
    _check_poster(organization)
    need = Need(organization=organization, **{f: data[f] for f in NEED_FIELDS if f in data})
    apply_translations(need, data, max_lengths=NEED_TEXTS)
    _check_need(need)
    _check_publishable(need, was_open=False, deadline_changed=True)
    need.save()
    for relation in NEED_RELATIONS:
        if relation in data:
            getattr(need, relation).set(data[relation])
    _write_items(need, data.get("items", []))
    _write_consultations(need, data.get("consultations", []))
    if need.is_open:
        _announce(need, "published", actor)
    return need


@transaction.atomic
def update_need(*, actor, need: Need, data: dict[str, Any]) -> Need:
    """Edit a need; items already covered cannot be removed or shrunk below their cover."""
    ensure_writer(actor, need.organization)
    need = Need.objects.select_for_update().select_related("organization").get(pk=need.pk)
    if need.status == Need.Status.CANCELLED:
        raise Conflict(_("This need was cancelled; post a new one."), code="cancelled")
    status = data.get("status")
    if status is not None and status not in SETTABLE_STATUSES and status != need.status:
        raise ValidationError(
            {
                "status": [
                    _("Set status to one of %(statuses)s; coverage sets partially_met and met.")
                    % {"statuses": ", ".join(SETTABLE_STATUSES)}
                ]
            }
        )
    was_open = need.is_open
    changed = [field for field in NEED_FIELDS if field in data]
    if status == Need.Status.OPEN and was_open:
        changed.remove("status")  # an open need stays partially_met / met as coverage says
    for field in changed:
        setattr(need, field, data[field])
    if apply_translations(need, data, max_lengths=NEED_TEXTS):
        changed.append("i18n")
    _check_need(need)
    _check_publishable(need, was_open=was_open, deadline_changed="deadline" in changed)
    need.save(update_fields=[*changed, "updated_at"])
    if was_open and not need.is_open:
        _retire(need, actor=actor, cause=f"need {need.pk} set to {need.status}")
    for relation in NEED_RELATIONS:
        if relation in data:
            getattr(need, relation).set(data[relation])
    if "items" in data:
        _write_items(need, data["items"])
    if "consultations" in data:
        _write_consultations(need, data["consultations"])
    if need.is_open:
        _announce(need, "changed" if was_open else "published", actor)
    elif was_open:
        _announce(need, need.status, actor)
    return need


@transaction.atomic
def cancel_need(*, actor, need: Need) -> Need:
    """Cancel a need: it is no longer matched, and its live proposals are withdrawn with it."""
    ensure_writer(actor, need.organization)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != Need.Status.CANCELLED:
        was_open = need.is_open
        need.status = Need.Status.CANCELLED
        need.save(update_fields=["status", "updated_at"])
        _retire(need, actor=actor, cause=f"need {need.pk} cancelled")
        if was_open:
            _announce(need, "cancelled", actor)
    return need


@transaction.atomic
def endorse_need(
    *, actor, need: Need, organization: Organization, comment: str = ""
) -> Endorsement:
    """A community organization endorses a need that affects the group it represents."""
    ensure_writer(actor, organization)
    if organization.kind != Organization.Kind.COMMUNITY:
        raise ValidationError({"organization": [_("Only community organizations endorse needs.")]})
    represented = set(organization.represented_groups.values_list("slug", flat=True))
    targeted = set(need.vulnerable_groups.values_list("slug", flat=True))
    if not represented & targeted:
        raise ValidationError(
            {
                "organization": [
                    _(
                        "%(name)s represents %(represented)s; this need targets %(targeted)s. "
                        "An organization endorses only needs that target a group it represents."
                    )
                    % {
                        "name": organization.name,
                        "represented": ", ".join(sorted(represented)) or _("no declared group"),
                        "targeted": ", ".join(sorted(targeted)) or _("no vulnerable group"),
                    }
                ]
            }
        )
    if need.status not in Need.PUBLIC_STATUSES:
        raise Conflict(_("Only published needs can be endorsed."), code="not_published")
    endorsement, created = Endorsement.objects.get_or_create(
        need=need, organization=organization, defaults={"endorsed_by": actor, "comment": comment}
    )
    if not created:
        raise Conflict(
            _("%(name)s already endorsed this need.") % {"name": organization.name},
            code="already_endorsed",
        )
    return endorsement
