"""A government member posts a need, publishes a draft, or cancels one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from registry.errors import Conflict
from registry.models import Need
from registry.models.visibility import member_organization_ids
from registry.services import needs as need_services
from web.need_forms import DIMENSION_SUGGESTIONS, NeedForm, initial_of
from web.translation_forms import NEED_TEXTS, TranslationsForm, without_translation_errors


def _save_errors(error: ValidationError, form: NeedForm, translations: TranslationsForm) -> None:
    """The service's refusal, on the form that holds each field it names."""
    if _names_proposals(error):  # an item removed that proposals refer to
        form.refuse_removal()
        return
    translations.add_service_errors(error)
    rest = without_translation_errors(error)
    if rest is not None:
        form.add_service_errors(rest)


@require_http_methods(["GET", "POST"])
@login_required
def new_need(request):
    """Post a need: saved as a draft, or published at once (the button says which)."""
    form = NeedForm(request.POST or None, user=request.user)
    translations = TranslationsForm(request.POST or None, texts=NEED_TEXTS)
    context = {
        "form": form,
        "translations": translations,
        "dimension_suggestions": DIMENSION_SUGGESTIONS,
    }
    if form.adding_row():  # "add another …": the same page with one more row, nothing saved
        form.keep_typing()
        return render(request, "web/needs/new.html", context)
    if request.method == "POST":
        status = Need.Status.OPEN if request.POST.get("publish") else Need.Status.DRAFT
        if form.is_valid() & translations.is_valid():  # both, so that both show their errors
            try:
                need = need_services.create_need(
                    actor=request.user,
                    organization=form.cleaned_data["organization"],
                    data={**form.service_data(status), **translations.service_data()},
                )
            except ValidationError as error:
                _save_errors(error, form, translations)
            else:
                if need.is_open:
                    done = _("“%(title)s” is published.")
                else:
                    done = _("“%(title)s” is saved as a draft.")
                messages.success(request, done % {"title": need.title})
                return redirect("web:my-needs")
        return render(request, "web/needs/new.html", context, status=400)
    return render(request, "web/needs/new.html", context)


def _own_need(request, need_id: int) -> Need:
    own = member_organization_ids(request.user)
    return get_object_or_404(
        Need.objects.select_related("organization"), pk=need_id, organization__in=own
    )


def _change(request, call, done: str):
    try:
        call()
    except (Conflict, ValidationError) as error:
        detail = error.detail if isinstance(error, Conflict) else " ".join(error.messages)
        messages.error(request, detail)
    else:
        messages.success(request, done)
    return redirect("web:my-needs")


@require_POST
@login_required
def publish_need(request, need_id: int):
    need = _own_need(request, need_id)
    return _change(
        request,
        lambda: need_services.update_need(
            actor=request.user, need=need, data={"status": Need.Status.OPEN}
        ),
        _("“%(title)s” is published.") % {"title": need.title},
    )


@require_POST
@login_required
def cancel_need(request, need_id: int):
    need = _own_need(request, need_id)
    return _change(
        request,
        lambda: need_services.cancel_need(actor=request.user, need=need),
        _("“%(title)s” is cancelled.") % {"title": need.title},
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit_need(request, need_id: int):
    """Change a need of one's government (the need service decides what may change: items
    partners already cover stay); publish a draft on saving. Any number of items, groups and
    consultations: "add another" buttons post the page back with one more row."""
    need = _own_need(request, need_id)
    form = NeedForm(request.POST or None, user=request.user, initial=initial_of(need), editing=True)
    translations = TranslationsForm(request.POST or None, texts=NEED_TEXTS, record=need)
    context = {
        "form": form,
        "need": need,
        "translations": translations,
        "dimension_suggestions": DIMENSION_SUGGESTIONS,
    }
    if form.adding_row():
        form.keep_typing()
        return render(request, "web/needs/new.html", context)
    if request.method == "GET":
        return render(request, "web/needs/new.html", context)
    status = Need.Status.OPEN if request.POST.get("publish") else need.status
    if form.is_valid() & translations.is_valid():  # both, so that both show their errors
        data = {**form.service_data(status), **translations.service_data()}
        try:
            need_services.update_need(actor=request.user, need=need, data=data)
        except ValidationError as error:
            _save_errors(error, form, translations)
        except Conflict as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": need.title})
            return redirect("web:my-needs")
    return render(request, "web/needs/new.html", context, status=400)


def _names_proposals(error: ValidationError) -> bool:
    """Whether the service kept an item because proposals name it."""
    refusals = getattr(error, "error_dict", {}).get("items", [])
    return any(refusal.code == "item_in_proposals" for refusal in refusals)
