"""Every admin list and add page renders for staff."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import NeedItemFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_registered_model_has_a_working_changelist(client):
    user = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(user)
    OfferFactory()
    NeedItemFactory()
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url


WORKFLOW_MODELS = [
    "matchrun",
    "proposal",
    "proposalline",
    "commitment",
    "partnership",
    "partner",
    "progressreport",
    "statechange",
]


def test_workflow_records_cannot_be_added_changed_or_deleted_in_the_admin(client, rf):
    from django.apps import apps

    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    request = rf.get("/admin/")
    request.user = staff
    for name in WORKFLOW_MODELS:
        model = apps.get_model("matching", name)
        model_admin = admin.site._registry.get(model)
        if model_admin is not None:
            assert not model_admin.has_add_permission(request), name
            assert not model_admin.has_change_permission(request), name
            assert not model_admin.has_delete_permission(request), name
            assert client.post(reverse(f"admin:matching_{name}_add"), {}).status_code == 403
        else:  # shown inline only: the inline is read-only too
            inlines = [
                inline(parent.model, admin.site)
                for parent in admin.site._registry.values()
                for inline in parent.inlines
                if inline.model is model
            ]
            assert inlines, name
            for inline in inlines:
                assert not inline.has_add_permission(request, None), name
                assert not inline.has_change_permission(request, None), name
                assert not inline.has_delete_permission(request, None), name


def test_a_needs_or_an_offers_status_is_not_a_field_of_the_admin_form(client, rf):
    from registry.models import Need, Offer

    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    request = rf.get("/admin/")
    request.user = staff
    item, offer = NeedItemFactory(), OfferFactory()
    need_form = admin.site._registry[Need].get_form(request, item.need)
    offer_form = admin.site._registry[Offer].get_form(request, offer)
    assert "status" not in need_form.base_fields
    assert {"status", "quantity"}.isdisjoint(offer_form.base_fields)
    page = client.get(reverse("admin:registry_need_change", args=[item.need.pk])).content.decode()
    assert 'name="status"' not in page and 'name="items-0-quantity"' not in page
    assert not admin.site._registry[Need].has_delete_permission(request, item.need)
    assert not admin.site._registry[Offer].has_delete_permission(request, offer)


def test_a_verified_organizations_identity_is_read_only_in_the_admin(rf):
    from registry.models import Organization
    from tests.factories import OrganizationFactory

    request = rf.get("/admin/")
    request.user = UserFactory(username="staff", is_staff=True, is_superuser=True)
    unverified, verified = OrganizationFactory(verified=False), OrganizationFactory()
    organization_admin = admin.site._registry[Organization]
    assert "name" in organization_admin.get_form(request, unverified).base_fields
    fields = organization_admin.get_form(request, verified).base_fields
    assert {"name", "kind", "country", "identifier"}.isdisjoint(fields)


def _membership_data(membership, *, role, delete=False):
    data = {
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-organization": str(membership.organization_id),
        "memberships-0-user": str(membership.user_id),
        "memberships-0-role": role,
    }
    if delete:
        data["memberships-0-DELETE"] = "on"
    return data


@pytest.mark.parametrize(("role", "delete"), [("admin", True), ("editor", False)])
def test_the_admin_keeps_an_organizations_last_admin_as_the_service_does(rf, role, delete):
    from registry.admin import MembershipInline
    from registry.models import Membership, Organization
    from tests.factories import MembershipFactory

    request = rf.post("/admin/")
    request.user = UserFactory(username="staff", is_staff=True, is_superuser=True)
    membership = MembershipFactory(role=Membership.Role.ADMIN)
    organization = membership.organization
    inline = MembershipInline(Organization, admin.site)
    formset_class = inline.get_formset(request, organization)
    formset = formset_class(
        _membership_data(membership, role=role, delete=delete),
        instance=organization,
        prefix="memberships",
    )
    assert not formset.is_valid()
    assert "must keep at least one admin" in " ".join(formset.non_form_errors())
    assert Membership.objects.get(pk=membership.pk).role == Membership.Role.ADMIN


def test_the_admin_lets_an_admin_go_when_another_remains(rf):
    from registry.admin import MembershipInline
    from registry.models import Membership, Organization
    from tests.factories import MembershipFactory

    request = rf.post("/admin/")
    request.user = UserFactory(username="staff", is_staff=True, is_superuser=True)
    membership = MembershipFactory(role=Membership.Role.ADMIN)
    organization = membership.organization
    other = MembershipFactory(organization=organization, role=Membership.Role.ADMIN)
    data = _membership_data(membership, role="editor")
    data.update(
        {
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "2",
            "memberships-1-id": str(other.pk),
            "memberships-1-organization": str(organization.pk),
            "memberships-1-user": str(other.user_id),
            "memberships-1-role": "admin",
        }
    )
    formset = MembershipInline(Organization, admin.site).get_formset(request, organization)(
        data, instance=organization, prefix="memberships"
    )
    assert formset.is_valid(), formset.errors
