"""A published need's public page, where community organizations endorse it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from registry.areas import localized_area_name
from registry.errors import Conflict
from registry.models import Need, SdgTarget
from registry.services.needs import endorse_need
from registry.user_content import shown
from web.forms import EndorseForm


def _need(request, need_id: int) -> Need:
    visible = Need.objects.visible_to(request.user).select_related("organization")
    return get_object_or_404(visible, pk=need_id)


def _render(request, need: Need, form: EndorseForm | None = None, status: int = 200):
    form = form or EndorseForm(user=request.user)
    context = {
        "need": need,
        # Title, description and poster's name in the reader's language, or as written.
        "title": shown(need, "title"),
        "description": shown(need, "description"),
        "poster": shown(need.organization, "name"),
        "area_name": localized_area_name(need.area) or need.area,
        "items": need.items.select_related("category").order_by("pk"),
        "groups": need.vulnerable_groups.order_by("name_i18n"),
        "sdg_targets": SdgTarget.with_goal_titles(need.sdg_targets.all()),
        "endorsements": need.endorsements.select_related("organization").order_by("pk"),
        "form": form,
        "can_endorse": request.user.is_authenticated
        and need.status in Need.PUBLIC_STATUSES
        and form.fields["organization"].queryset.exists(),
    }
    return render(request, "web/public/need.html", context, status=status)


@require_safe
def need_detail(request, need_id: int):
    return _render(request, _need(request, need_id))


@require_POST
@login_required
def endorse(request, need_id: int):
    need = _need(request, need_id)
    form = EndorseForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render(request, need, form, status=400)
    try:
        endorse_need(
            actor=request.user,
            need=need,
            organization=form.cleaned_data["organization"],
            comment=form.cleaned_data["comment"],
        )
    except Conflict as error:
        messages.error(request, error.detail)
        return _render(request, need, form, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render(request, need, form, status=400)
    messages.success(request, _("Your organization endorses this need."))
    return redirect("web:need", need_id=need.pk)
