"""axe-core in Chromium: no WCAG 2.2 A/AA violation on any page, for any role, errors included."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notifications.services.unsubscribe import unsubscribe_token
from tests.factories import PASSWORD
from tests.web.conftest import axe_violations, sign_in
from tests.web.scenario import OVERRIDE, TODAY

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page, pages: list[str]) -> dict[str, int]:
    """Run axe on each page; answer each page's status."""
    found, statuses = {}, {}
    for path in pages:
        response = page.goto(path)
        statuses[path] = response.status
        assert response.status < 500, path
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
    return statuses


def test_the_public_pages_have_no_accessibility_violation(page, scenario):
    # The link in every e-mail, opened without signing in; a forged one answers 400.
    token = unsubscribe_token(user_id=scenario.ngo_editor.pk)
    unsubscribe = f"/unsubscribe/{token}/"
    forged = f"/unsubscribe/{token[:-2]}{'BB' if token.endswith('AA') else 'AA'}/"
    statuses = assert_accessible(
        page,
        [
            "/",
            "/needs/",
            "/offers/",
            "/partnerships/",
            "/dashboard/",
            "/dashboard/?area=KE",  # one country's subdivisions
            "/dashboard/?area=KE-32",  # not a country: the error summary
            "/accounts/register/",
            "/no-such-page/",
            unsubscribe,
            forged,
        ],
    )
    assert (statuses[unsubscribe], statuses[forged]) == (200, 400)
    page.goto(unsubscribe)
    stop = page.get_by_role("button", name="Stop e-mail")
    stop.click()
    expect(stop).to_have_count(0)  # the confirmation has replaced the question
    assert axe_violations(page) == []


def test_sign_in_and_register_errors_are_linked_and_accessible(page, scenario):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.evaluate("node => node === document.activeElement")
    assert axe_violations(page) == []
    page.goto("/accounts/register/")
    page.get_by_role("button", name="Create account").click()
    assert page.locator(".govuk-error-summary a[href='#id_username']").is_visible()
    assert page.get_by_label("Username").get_attribute("aria-describedby") == (
        "id_username-hint id_username-error"
    )
    assert axe_violations(page) == []


def test_the_coordinators_pages_have_no_accessibility_violation(page, scenario):
    sign_in(page, "coordinator", PASSWORD)
    proposal = f"/console/proposals/{scenario.proposal.pk}/"
    assert_accessible(
        page,
        [
            "/console/",
            "/console/review/",
            "/console/review/?area=nowhere",
            proposal,
            "/console/runs/",
            "/console/dashboard/",
            "/console/organizations/",
            "/accounts/password/",
        ],
    )
    page.goto(proposal)
    page.get_by_role("button", name="Reject proposal").click()
    assert page.locator(".govuk-error-summary a[href='#id_reason']").is_visible()
    assert axe_violations(page) == []
    page.goto("/console/runs/")
    page.get_by_role("button", name="Start a matching run").click()
    page.wait_for_url("**/console/runs/*/")
    assert axe_violations(page) == []


def test_the_partners_and_governments_pages_have_no_accessibility_violation(page, scenario):
    sign_in(page, "ngo.editor", PASSWORD)
    assert_accessible(
        page,
        [
            "/console/",
            "/console/my-proposals/",
            "/console/offers/",
            "/console/offers/new/",
            "/console/organizations/new/",
            f"/console/proposals/{scenario.proposal.pk}/",
            "/console/review/",
        ],
    )
    page.goto("/console/offers/new/")
    page.get_by_label("Areas covered").fill("nowhere")
    page.get_by_role("button", name="Publish offer").click()
    assert page.locator(".govuk-error-summary a[href='#id_areas']").is_visible()
    assert axe_violations(page) == []
    page.context.clear_cookies()
    sign_in(page, "gov.officer", PASSWORD)
    assert_accessible(
        page,
        [
            "/console/",
            "/console/needs/",
            "/console/needs/new/",
            f"/console/proposals/{scenario.proposal.pk}/",
        ],
    )
    page.goto("/console/needs/new/")
    page.get_by_label("Area").fill("UG")
    page.get_by_role("button", name="Publish need").click()
    assert page.locator(".govuk-error-summary a[href='#id_title']").is_visible()
    assert axe_violations(page) == []
    # A translation refused (in the original's language): on its field, linked, accessible.
    page.goto("/console/needs/new/")
    page.get_by_text("Translations into other languages").click()
    page.locator("#id_translations-title_en").fill("Laptops")
    page.get_by_role("button", name="Publish need").click()
    assert page.locator(".govuk-error-summary a[href='#id_translations-title_en']").is_visible()
    assert page.locator("#id_translations-title_en-error").is_visible()
    assert axe_violations(page) == []


def test_the_checker_reports_a_violation_when_a_page_has_one(page, scenario):
    page.goto("/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')"
    )
    assert "label" in {violation["rule"] for violation in axe_violations(page)}


def test_a_partnership_page_with_report_errors_has_no_accessibility_violation(page, scenario):
    from matching.models import Partnership
    from matching.services.review import accept_proposal, confirm_lines

    accept_proposal(
        actor=scenario.coordinator, proposal_id=scenario.proposal.pk, override_reason=OVERRIDE
    )
    for answer in (scenario.ngo_editor, scenario.company_editor, scenario.government_editor):
        confirm_lines(actor=answer, proposal_id=scenario.proposal.pk)
    partnership = Partnership.objects.get(proposal=scenario.proposal)
    sign_in(page, "ngo.editor", PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    page.get_by_role("button", name="Submit report").click()
    assert page.locator(".govuk-error-summary a[href='#id_narrative']").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("End of the period reported").fill(TODAY)
    page.get_by_label("Indicator value at the end of the period").fill("22")
    page.get_by_label("What was done").fill("Eight labs.")
    page.get_by_role("button", name="Submit report").click()
    page.context.clear_cookies()
    sign_in(page, "coordinator", PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    page.get_by_role("button", name="Return report").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []


def test_the_community_organizations_pages_have_no_accessibility_violation(page, scenario):
    sign_in(page, "community.editor", PASSWORD)
    need = f"/needs/{scenario.need.pk}/"
    assert_accessible(page, ["/console/", need])
    page.goto(need)
    page.get_by_role("button", name="Endorse need").click()
    assert page.get_by_text("Your organization endorses this need.").is_visible()
    page.get_by_role("button", name="Endorse need").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    # Having endorsed the need, it reads the proposal page and comments there.
    proposal = f"/console/proposals/{scenario.proposal.pk}/"
    assert assert_accessible(page, [proposal]) == {proposal: 200}
    page.get_by_role("button", name="Add comment").click()
    assert page.locator(".govuk-error-summary a[href='#id_comment-body']").is_visible()
    assert axe_violations(page) == []


def test_the_import_pages_have_no_accessibility_violation(page, scenario):
    sign_in(page, "ngo.editor", PASSWORD)
    assert_accessible(page, ["/console/import/"])
    page.get_by_role("button", name="Check the file").click()  # no file: the error summary
    assert page.locator(".govuk-error-summary a[href='#id_file']").is_visible()
    assert axe_violations(page) == []
    header = "key,title,category,quantity,currency,areas,status"
    rows = ["P-1,Laptops for libraries,laptops,40,,KE-30,draft", "P-2,Grant,grant,-5,,KE,draft"]
    page.get_by_label("Organization").select_option(index=1)
    page.get_by_label("Spreadsheet").set_input_files(
        files=[
            {
                "name": "pledges.csv",
                "mimeType": "text/csv",
                "buffer": "\r\n".join([header, *rows]).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/console/import/jobs/*/")
    expect(page.get_by_text("Column quantity: Must be a number greater than zero.")).to_be_visible()
    assert axe_violations(page) == []
    job = page.url
    page.context.clear_cookies()
    sign_in(page, "coordinator", PASSWORD)
    assert_accessible(page, ["/console/import/", job])


def test_the_merge_pages_have_no_accessibility_violation(page, scenario):
    from tests.factories import NeedFactory, OrganizationFactory

    ministry = OrganizationFactory(name="Ministry of ICT Kenya", kind="government", country="KE")
    twin = OrganizationFactory(name="Ministry of ICT Kenya Ltd", kind="company", country="KE")
    NeedFactory(organization=ministry)
    pair = f"/console/merge/{ministry.pk}/{twin.pk}/"
    sign_in(page, "coordinator", PASSWORD)
    assert_accessible(page, ["/console/merge/", pair])
    page.goto(pair)
    page.get_by_role("button", name="Merge Ministry of ICT Kenya into the other record").click()
    expect(page.get_by_text("The merge is refused")).to_be_visible()
    assert axe_violations(page) == []
