"""axe-core in Chromium on the console's later pages, with their forms showing errors: the time
partners answer by, revoking an acceptance, what changed since an organization's verification."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matching.models import Proposal
from tests.factories import PASSWORD
from tests.web.conftest import axe_violations, sign_in
from tests.web.scenario import OVERRIDE

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_accepts_with_a_time_revokes_and_sees_identity_changes(page, scenario):
    from registry.services.organizations import update_organization

    update_organization(
        actor=scenario.ngo_editor,
        organization=scenario.laptops.organization,
        data={"name": "Digital Bridges Kenya"},
    )
    sign_in(page, "coordinator", PASSWORD)
    page.goto("/console/organizations/")
    expect(page.get_by_text("was Digital Bridges, now Digital Bridges Kenya")).to_be_visible()
    assert axe_violations(page) == []

    page.goto(f"/console/proposals/{scenario.proposal.pk}/")
    page.get_by_label("Why accept partners that are not yet verified").fill(OVERRIDE)
    page.get_by_label("Partners answer by (optional)").fill("2020-01-01 09:00")
    page.get_by_role("button", name="Accept proposal").click()
    summary = page.locator(".govuk-error-summary a[href='#id_respond_by']")
    expect(summary).to_have_text("Give the partners a time in the future.")
    assert page.title().startswith("Error:")
    assert axe_violations(page) == []

    page.get_by_label("Partners answer by (optional)").fill("2099-03-31 17:00")
    page.get_by_role("button", name="Accept proposal").click()
    expect(page.get_by_text("reserved until 2099-03-31T17:00")).to_be_visible()
    page.get_by_role("button", name="Revoke the acceptance").click()
    expect(page.locator(".govuk-error-summary a[href='#id_revoke-reason']")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Why revoke the acceptance").fill("The ministry found a closer partner.")
    page.get_by_role("button", name="Revoke the acceptance").click()
    expect(page.get_by_text("Revoked: the reservations are released")).to_be_visible()
    scenario.proposal.refresh_from_db()
    assert scenario.proposal.status != Proposal.Status.ACCEPTED


def test_offers_needs_and_members_are_changed_with_errors_shown(page, scenario):
    from registry.models import Membership
    from tests.factories import MembershipFactory

    MembershipFactory(
        user=scenario.ngo_editor,
        organization=scenario.trainers.organization,
        role=Membership.Role.ADMIN,
    )
    sign_in(page, "ngo.editor", PASSWORD)
    page.goto(f"/console/offers/{scenario.laptops.pk}/edit/")
    page.get_by_label("Areas covered").fill("nowhere")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary a[href='#id_areas']")).to_be_visible()
    assert axe_violations(page) == []

    page.goto("/console/")
    page.get_by_role("link", name="Members of Kilimo Telecom").click()
    page.get_by_label("Username").fill("nobody")
    page.get_by_role("button", name="Save member").click()
    expect(page.locator(".govuk-error-summary a[href='#id_username']")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Username").fill("community.editor")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_role("button", name="Save member").click()
    expect(
        page.get_by_text("community.editor has the role “Viewer” in Kilimo Telecom.")
    ).to_be_visible()
    assert Membership.objects.get(user=scenario.community_editor, role="viewer")

    page.context.clear_cookies()
    sign_in(page, "gov.officer", PASSWORD)
    page.goto("/console/needs/")
    page.get_by_role("link", name=f"Change {scenario.need.title}").click()
    page.get_by_label("Area").fill("nowhere")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary a[href='#id_area']")).to_be_visible()
    assert axe_violations(page) == []
