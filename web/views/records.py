"""A member registers an organization or offers a resource."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from interchange.services.duplicates import LikelyDuplicates, register_organization
from registry.errors import Conflict
from registry.models import Membership, Offer
from registry.services.offers import create_offer, update_offer
from web.offer_forms import OfferForm, OrganizationForm, service_errors
from web.translation_forms import ORGANIZATION_TEXTS, TranslationsForm, without_translation_errors


@require_http_methods(["GET", "POST"])
@login_required
def new_offer(request):
    """Offer a resource: published at once or saved as a draft (the button says which)."""
    form = OfferForm(request.POST or None, user=request.user)
    if request.method == "GET":
        return render(request, "web/records/offer.html", {"form": form})
    status = Offer.Status.PUBLISHED if request.POST.get("publish") else Offer.Status.DRAFT
    if form.is_valid():
        try:
            offer = create_offer(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                data=form.service_data(status),
            )
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": offer.title})
            return redirect("web:my-offers")
    return render(request, "web/records/offer.html", {"form": form}, status=400)


def _initial(offer: Offer) -> dict:
    return {
        "title": offer.title,
        "description": offer.description,
        "category": offer.category_id,
        "quantity": offer.quantity,
        "currency": offer.currency,
        "areas": " ".join(offer.areas),
        "available_from": offer.available_from,
        "available_until": offer.available_until,
        "min_allocation": offer.min_allocation,
        "focus_areas": list(offer.focus_areas.values_list("pk", flat=True)),
        "vulnerable_groups": list(offer.vulnerable_groups.values_list("pk", flat=True)),
    }


@require_http_methods(["GET", "POST"])
@login_required
def edit_offer(request, offer_id: int):
    """Change an offer of one's organization (admins and editors); publish a draft on saving."""
    offer = get_object_or_404(
        Offer.objects.select_related("organization").filter(
            organization__memberships__user=request.user,
            organization__memberships__role__in=Membership.WRITERS,
        ),
        pk=offer_id,
    )
    form = OfferForm(request.POST or None, user=request.user, initial=_initial(offer), editing=True)
    context = {"form": form, "offer": offer}
    if request.method == "GET":
        return render(request, "web/records/offer.html", context)
    status = Offer.Status.PUBLISHED if request.POST.get("publish") else offer.status
    if form.is_valid():
        try:
            update_offer(actor=request.user, offer=offer, data=form.service_data(status))
        except ValidationError as error:
            service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": offer.title})
            return redirect("web:my-offers")
    return render(request, "web/records/offer.html", context, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def new_organization(request):
    """Register an organization; a coordinator verifies it before its needs are matched.

    Organizations already registered that look like it (the same identifier, or a similar name
    in the same country) are shown first; the person registers it anyway by saying it is not
    one of them.
    """
    form = OrganizationForm(request.POST or None)
    translations = TranslationsForm(request.POST or None, texts=ORGANIZATION_TEXTS)
    context = {"form": form, "translations": translations}
    if request.method == "GET":
        return render(request, "web/records/organization.html", context)
    if form.is_valid() & translations.is_valid():  # both, so that both show their errors
        try:
            organization = register_organization(
                actor=request.user,
                data={**form.cleaned_data, **translations.service_data()},
                confirm_distinct=form.cleaned_data["confirm_distinct"],
            )
        except LikelyDuplicates as refusal:
            context["duplicates"] = refusal.candidates
            return render(request, "web/records/organization.html", context, status=409)
        except ValidationError as error:
            translations.add_service_errors(error)
            rest = without_translation_errors(error)
            if rest is not None:
                service_errors(form, rest)
        else:
            messages.success(
                request,
                _("%(name)s is registered; you are its administrator.")
                % {"name": organization.name},
            )
            return redirect("web:console")
    return render(request, "web/records/organization.html", context, status=400)
