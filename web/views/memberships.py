"""An organization's members: its admins add people, change their role, or remove them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from registry.errors import Conflict
from registry.models import Membership, Organization
from registry.services.organizations import add_member, remove_member
from web.forms import DesignSystemForm
from web.offer_forms import service_errors

ROLES = [
    (Membership.Role.ADMIN, gettext_lazy("Admin: manages members and everything else")),
    (Membership.Role.EDITOR, gettext_lazy("Editor: posts needs and offers, answers proposals")),
    (Membership.Role.VIEWER, gettext_lazy("Viewer: reads only")),
]


class MemberForm(DesignSystemForm, forms.Form):
    """A person to add by their username, or whose role changes."""

    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        help_text=gettext_lazy("The person registers first, then gives you their username."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLES)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


def _organization(request, organization_id: int) -> tuple[Organization, Membership]:
    """The organization if the person belongs to it (404 otherwise), and their membership."""
    membership = get_object_or_404(
        Membership.objects.select_related("organization"),
        organization_id=organization_id,
        organization__is_active=True,
        user=request.user,
    )
    return membership.organization, membership


def _render(request, organization, membership, form=None, status=200):
    members = (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__username")
    )
    context = {
        "organization": organization,
        "members": members,
        "is_admin": membership.role == Membership.Role.ADMIN,
        "form": form or MemberForm(),
    }
    return render(request, "web/organizations/members.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def members(request, organization_id: int):
    """Everyone sees who belongs; admins add a person or change a member's role."""
    organization, membership = _organization(request, organization_id)
    if request.method == "GET":
        return _render(request, organization, membership)
    if membership.role != Membership.Role.ADMIN:
        raise PermissionDenied
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            added = add_member(
                actor=request.user,
                organization=organization,
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            service_errors(form, error)
        except Conflict as error:
            form.add_error("role", error.detail)
            form.style_fields()
        else:
            messages.success(
                request,
                _("%(name)s has the role “%(role)s” in %(organization)s.")
                % {
                    "name": added.user.get_username(),
                    "role": added.get_role_display(),
                    "organization": organization.name,
                },
            )
            return redirect("web:members", organization_id=organization.pk)
    return _render(request, organization, membership, form=form, status=400)


@require_POST
@login_required
def remove(request, organization_id: int, user_id: int):
    organization, membership = _organization(request, organization_id)
    if membership.role != Membership.Role.ADMIN:
        raise PermissionDenied
    try:
        remove_member(actor=request.user, organization=organization, user_id=user_id)
    except Conflict as error:
        messages.error(request, error.detail)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The member is removed."))
    if user_id == request.user.pk:
        return redirect("web:console")
    return redirect("web:members", organization_id=organization.pk)
