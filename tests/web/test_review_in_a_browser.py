"""The review loop through the pages alone: a coordinator accepts, both partners confirm."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matching.models import Partnership, Proposal
from tests.factories import PASSWORD
from tests.web.conftest import PHONE, SCREENSHOTS, sign_in
from tests.web.scenario import OVERRIDE, TODAY

pytestmark = pytest.mark.django_db(transaction=True)

VISIBLE_FOCUS = """node => {
  const style = getComputedStyle(node);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
}"""
DESCRIBE_FOCUS = """() => {
  const node = document.activeElement;
  return (node.id || node.getAttribute('name') || node.textContent.trim()).slice(0, 60);
}"""


def tab_to(page, target: str, limit: int = 60) -> list[str]:
    """Press Tab until `target` has the focus, checking each stop shows it; the stops in order."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(DESCRIBE_FOCUS))
        assert page.evaluate(f"({VISIBLE_FOCUS})(document.activeElement)"), stops[-1]
        if stops[-1] == target:
            return stops
    raise AssertionError(f"{target} never took the focus; stops: {stops}")


def test_accept_confirm_report_and_approve_through_the_pages(page, scenario):
    sign_in(page, "coordinator", PASSWORD)
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("link", name=scenario.need.title).click()
    page.get_by_label("Why accept partners that are not yet verified").fill(OVERRIDE)
    page.get_by_role("button", name="Accept proposal").click()
    assert page.get_by_text("Accepted: the partners' capacity is reserved until").is_visible()
    page.get_by_role("button", name="Sign out").click()

    for username in ("ngo.editor", "company.editor"):
        sign_in(page, username, PASSWORD)
        page.get_by_role("link", name="Our proposals").first.click()
        page.get_by_role("link", name=scenario.need.title).click()
        page.get_by_role("button", name="Confirm our lines").click()
        assert page.get_by_text("Confirmed 1 line(s).").is_visible()
        page.get_by_role("button", name="Sign out").click()

    sign_in(page, "gov.officer", PASSWORD)  # the need's own ministry consents
    page.goto(f"/console/proposals/{scenario.proposal.pk}/")
    page.get_by_role("button", name="Consent to the coalition").click()
    page.get_by_role("button", name="Sign out").click()

    scenario.proposal.refresh_from_db()
    assert scenario.proposal.status == Proposal.Status.FORMED
    assert Partnership.objects.filter(proposal=scenario.proposal).exists()
    page.goto("/partnerships/")
    page.get_by_role("link", name=scenario.need.title).click()
    assert page.get_by_text("No report yet.").is_visible()

    sign_in(page, "ngo.editor", PASSWORD)
    page.goto("/partnerships/")
    page.get_by_role("link", name=scenario.need.title).click()
    page.get_by_label("End of the period reported").fill(TODAY)
    page.get_by_label("Indicator value at the end of the period").fill("22")
    page.get_by_label("What was done").fill("Eight school labs equipped; 40 teachers trained.")
    page.get_by_role("button", name="Submit report").click()
    assert page.get_by_text("Your report is submitted for review.").is_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "coordinator", PASSWORD)
    page.goto("/partnerships/")
    page.get_by_role("link", name=scenario.need.title).click()
    page.get_by_role("button", name="Approve report").click()
    assert page.get_by_text("The report is approved.").is_visible()
    page.context.clear_cookies()
    page.reload()
    assert page.get_by_text("Eight school labs equipped; 40 teachers trained.").is_visible()


def test_a_coordinator_accepts_a_coalition_by_keyboard(page, scenario):
    sign_in(page, "coordinator", PASSWORD)
    page.goto(f"/console/proposals/{scenario.proposal.pk}/")
    stops = tab_to(page, "id_override-reason")  # Kilimo Telecom is not verified: say why
    page.keyboard.type(OVERRIDE)
    stops += tab_to(page, "accept-proposal")
    assert stops[0] == "Skip to main content"
    assert stops.index("Partnership Registry") < stops.index("Sign out") < stops.index("Review")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Accepted: the partners' capacity is reserved until").is_visible()
    scenario.proposal.refresh_from_db()
    assert scenario.proposal.status == Proposal.Status.ACCEPTED


def test_a_rejection_without_reason_is_announced_and_the_field_reached_by_keyboard(page, scenario):
    sign_in(page, "coordinator", PASSWORD)
    page.goto(f"/console/proposals/{scenario.proposal.pk}/")
    stops = tab_to(page, "reject-proposal")
    assert (
        stops.index("accept-proposal") < stops.index("id_reason") < stops.index("reject-proposal")
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    assert summary.get_attribute("tabindex") == "-1"
    assert summary.evaluate("node => node === document.activeElement")
    assert page.locator(".govuk-error-summary [role=alert]").count() == 1
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's link to the field
    assert page.evaluate("location.hash") == "#id_reason"
    scenario.proposal.refresh_from_db()
    assert scenario.proposal.status == Proposal.Status.PROPOSED


def test_a_partner_confirms_by_keyboard(page, scenario):
    from matching.services.review import accept_proposal

    accept_proposal(
        actor=scenario.coordinator, proposal_id=scenario.proposal.pk, override_reason=OVERRIDE
    )
    sign_in(page, "ngo.editor", PASSWORD)
    page.goto(f"/console/proposals/{scenario.proposal.pk}/")
    tab_to(page, "confirm-lines")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Confirmed 1 line(s).").is_visible()


def test_the_main_pages_fit_a_phone_screen_and_a_desktop(page, scenario):
    SCREENSHOTS.mkdir(exist_ok=True)
    sign_in(page, "coordinator", PASSWORD)
    pages = {
        "home": "/",
        "needs": "/needs/",
        "queue": "/console/review/",
        "proposal": f"/console/proposals/{scenario.proposal.pk}/",
        "runs": "/console/runs/",
        "dashboard": "/console/dashboard/",
    }
    too_wide = {}
    for viewport_name, viewport in (("phone", PHONE), ("desktop", None)):
        if viewport:
            page.set_viewport_size(viewport)
        else:
            page.set_viewport_size({"width": 1280, "height": 900})
        for name, path in pages.items():
            page.goto(path)
            page.screenshot(path=SCREENSHOTS / f"{name}-{viewport_name}.png", full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            if viewport and width > viewport["width"]:
                too_wide[name] = width
    assert too_wide == {}


def test_a_run_page_follows_the_runs_progress_without_reloading(page, scenario):
    from matching.models import MatchRun

    sign_in(page, "coordinator", PASSWORD)
    page.goto("/console/runs/")
    page.get_by_role("button", name="Start a matching run").click()
    page.wait_for_url("**/console/runs/*/")
    run = MatchRun.objects.order_by("-pk").first()
    assert page.locator("#run-state").inner_text() == "Queued"
    page.evaluate("window.notReloaded = true")
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, stage="solving", progress=40
    )
    expect(page.locator("#run-state")).to_have_text("Running")
    assert page.get_by_text("40 %").first.is_visible()
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.SUCCEEDED, progress=100, metrics={"coverage": 0.93}
    )
    expect(page.locator("#run-state")).to_have_text("Succeeded")
    assert page.get_by_role("cell", name="0.93").is_visible()
    assert page.evaluate("window.notReloaded === true")
    assert page.locator("[data-poll]").count() == 0
