"""Organizations waiting for a coordinator's check of their identity."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from registry.models import Organization
from registry.services.organizations import verify_organization
from web.access import coordinator_required
from web.paging import page_of
from web.verification import since_last_verification


@require_safe
@coordinator_required
def to_verify(request):
    """Active organizations not verified (new, or whose identity changed since), the longest
    waiting first, each with what changed since a coordinator last verified it."""
    rows = Organization.objects.active().filter(verified_at__isnull=True).order_by("created_at")
    page, query = page_of(request, rows)
    since = since_last_verification(list(page.object_list))
    entries = [
        {"organization": organization, "since": since[organization.pk]}
        for organization in page.object_list
    ]
    context = {"page": page, "query": query, "entries": entries}
    return render(request, "web/organizations/to_verify.html", context)


@require_POST
@coordinator_required
def verify(request, organization_id: int):
    organization = get_object_or_404(Organization.objects.active(), pk=organization_id)
    verify_organization(actor=request.user, organization=organization)
    messages.success(request, _("%(name)s is verified.") % {"name": organization.name})
    return redirect("web:to-verify")
