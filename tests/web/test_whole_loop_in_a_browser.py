"""The whole loop through the pages alone, as the four roles, with a real worker running the
match: register, post a need, publish offers, verify, run, review, accept, confirm, consent,
report with values per group, approve, endorse and comment on the report."""

from __future__ import annotations

import pytest
from django.db import connection
from playwright.sync_api import expect

from matching.models import Comment, MatchRun, Partnership, ProgressReport, Proposal
from registry.models import Endorsement, Need, Organization
from tests.factories import PASSWORD
from tests.web.conftest import sign_in, sign_out
from tests.web.scenario import TODAY
from tests.worker import WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)

NEED = "Screen readers for blind students in Kisumu"
NGO = "Braille Without Borders"
COUNTY = "Kisumu County Government"
NEW_PASSWORD = "Refreshable-braille-2027"


@pytest.fixture
def worker(transactional_db, settings):
    """A Celery worker process on a queue of its own; runs start only when a coordinator asks."""
    process = WorkerProcess(connection.settings_dict).start()
    settings.CELERY_TASK_DEFAULT_QUEUE = process.queue
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    try:
        yield process
    finally:
        process.stop()


def register_organization(page, *, name: str, kind: str, email: str) -> None:
    page.goto("/console/")
    page.get_by_role("link", name="Register an organization").click()
    page.locator("#id_name").fill(name)
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Country").fill("KE")
    page.get_by_label("Contact email address").fill(email)
    page.get_by_role("button", name="Register organization").click()
    expect(page.get_by_text(f"{name} is registered; you are its administrator.")).to_be_visible()


def post_need(page) -> None:
    page.goto("/console/needs/")
    page.get_by_role("link", name="Post a need").click()
    page.get_by_label("Government").select_option(label=COUNTY)
    page.locator("#id_title").fill(NEED)
    page.get_by_label("Area").fill("KE-42")
    page.get_by_label("People affected").fill("800")
    page.get_by_label("Deadline").fill("2099-06-30")
    page.get_by_label("Indicator", exact=True).fill("Blind students with a screen reader")
    page.get_by_label("Indicator unit").fill("students")
    page.get_by_label("Baseline", exact=True).fill("120")
    page.get_by_label("Target", exact=True).fill("800")
    page.get_by_label("Dimension of group 1").fill("sex")
    page.get_by_label("Group 1", exact=True).fill("female")
    page.get_by_label("Baseline of group 1").fill("50")
    page.get_by_role("button", name="Add another group").click()
    page.get_by_label("Dimension of group 2").fill("sex")
    page.get_by_label("Group 2", exact=True).fill("male")
    page.get_by_label("Baseline of group 2").fill("70")
    affected = page.get_by_role("group", name="Groups affected")
    affected.get_by_label("Persons with disabilities").check()
    affected.get_by_label("Youth").check()
    page.get_by_role("group", name="Focus areas").get_by_label("Devices").check()
    page.get_by_label("SDG targets").fill("4.5")
    page.get_by_label("Date of consultation 1").fill("2026-03-14")
    page.get_by_label("What was said and agreed in consultation 1").fill(
        "The association of the blind chose refreshable displays over audio players."
    )
    page.get_by_role("group", name="Groups consulted in consultation 1").get_by_label(
        "Persons with disabilities"
    ).check()
    page.get_by_label("Resource 1", exact=True).select_option("assistive-devices")
    page.get_by_label("Quantity of resource 1").fill("100")
    page.get_by_role("button", name="Add another resource").click()
    page.get_by_label("Resource 2", exact=True).select_option("accessibility-expert-days")
    page.get_by_label("Quantity of resource 2").fill("30")
    page.get_by_role("button", name="Publish need").click()
    expect(page.get_by_text(f"“{NEED}” is published.")).to_be_visible()


def publish_offer(page, *, title: str, category: str, quantity: str) -> None:
    page.goto("/console/offers/")
    page.get_by_role("link", name="Offer a resource").click()
    page.get_by_label("Offered by").select_option(label=NGO)
    page.locator("#id_title").fill(title)
    page.get_by_label("Resource").select_option(category)
    page.get_by_label("Quantity", exact=True).fill(quantity)
    page.get_by_label("Areas covered").fill("KE")
    page.get_by_role("group", name="Groups served").get_by_label(
        "Persons with disabilities"
    ).check()
    page.get_by_role("button", name="Publish offer").click()
    expect(page.get_by_text(title).first).to_be_visible()


def test_the_whole_loop_through_the_pages_as_the_four_roles(page, scenario, worker):
    # An organization member registers, then registers the organization.
    page.goto("/accounts/register/")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Email address").fill("amina@braille.example")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/console/")
    register_organization(page, name=NGO, kind="ngo", email="hello@braille.example")

    # The government member registers the county government, then posts and publishes a need.
    sign_out(page)
    sign_in(page, "gov.officer", PASSWORD)
    register_organization(page, name=COUNTY, kind="local_government", email="ict@kisumu.example")
    post_need(page)
    need = Need.objects.get(title=NEED)
    assert need.indicator_disaggregation == {"sex": {"female": "50", "male": "70"}}
    assert list(need.sdg_targets.values_list("code", flat=True)) == ["4.5"]
    assert need.items.count() == 2 and need.consultations.count() == 1

    # The organization member publishes two offers.
    sign_out(page)
    sign_in(page, "amina", NEW_PASSWORD)
    publish_offer(
        page, title="Refreshable Braille displays", category="assistive-devices", quantity="150"
    )
    publish_offer(
        page,
        title="Accessibility audits of school platforms",
        category="accessibility-expert-days",
        quantity="40",
    )

    # The coordinator verifies both organizations, runs the matching and accepts.
    sign_out(page)
    sign_in(page, "coordinator", PASSWORD)
    page.get_by_role("link", name="Organizations to verify").click()
    for name in (NGO, COUNTY):
        page.get_by_role("button", name=f"Verify {name}").click()
        expect(page.get_by_role("button", name=f"Verify {name}")).to_have_count(0)
    assert (
        Organization.objects.filter(name__in=(NGO, COUNTY), verified_at__isnull=False).count() == 2
    )
    page.goto("/console/")
    page.get_by_role("link", name="Match runs").first.click()
    page.get_by_role("button", name="Start a matching run").click()
    page.wait_for_url("**/console/runs/*/")
    # The page polls the run's state itself; the worker takes it from queued to succeeded.
    expect(page.locator("#run-state")).to_have_text("Succeeded", timeout=45_000)
    run = MatchRun.objects.order_by("-pk").first()
    assert run.status == MatchRun.Status.SUCCEEDED
    proposal = Proposal.objects.get(run=run, need=need)

    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("link", name=NEED).click()
    page.get_by_role("button", name="Accept proposal").click()
    expect(page.get_by_text("Accepted: the partners' capacity is reserved until")).to_be_visible()

    # The partner confirms its lines.
    sign_out(page)
    sign_in(page, "amina", NEW_PASSWORD)
    page.get_by_role("link", name="Our proposals").first.click()
    page.get_by_role("link", name=NEED).click()
    page.get_by_role("button", name="Confirm our lines").click()
    expect(page.get_by_text("Confirmed 2 line(s).")).to_be_visible()

    # The government consents to the coalition.
    sign_out(page)
    sign_in(page, "gov.officer", PASSWORD)
    page.goto(f"/console/proposals/{proposal.pk}/")
    page.get_by_role("button", name="Consent to the coalition").click()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.FORMED
    partnership = Partnership.objects.get(proposal=proposal)

    # The partner files a report with a value per group.
    sign_out(page)
    sign_in(page, "amina", NEW_PASSWORD)
    page.goto("/partnerships/")
    page.get_by_role("link", name=NEED).click()
    page.get_by_label("End of the period reported").fill(TODAY)
    page.get_by_label("Indicator value at the end of the period").fill("260")
    page.get_by_label("sex: female").fill("118")
    page.get_by_label("sex: male").fill("142")
    page.get_by_label("What was done").fill("140 displays delivered; two platforms audited.")
    page.get_by_role("button", name="Submit report").click()
    expect(page.get_by_text("Your report is submitted for review.")).to_be_visible()

    # The coordinator approves it.
    sign_out(page)
    sign_in(page, "coordinator", PASSWORD)
    page.goto("/partnerships/")
    page.get_by_role("link", name=NEED).click()
    page.get_by_role("button", name="Approve report").click()
    expect(page.get_by_text("The report is approved.")).to_be_visible()
    report = ProgressReport.objects.get(partnership=partnership)
    assert report.status == ProgressReport.Status.APPROVED
    assert report.disaggregation == {"sex": {"female": "118", "male": "142"}}
    need.refresh_from_db()
    assert need.indicator_current == 260

    # A community organization endorses the need and comments on the partners' report.
    sign_out(page)
    sign_in(page, "community.editor", PASSWORD)
    page.goto("/needs/")
    page.get_by_role("link", name=NEED).click()
    page.get_by_label("Comment (optional)").fill("Our members tested these displays.")
    page.get_by_role("button", name="Endorse need").click()
    expect(page.get_by_text("Our members tested these displays.").first).to_be_visible()
    assert Endorsement.objects.filter(need=need).count() == 1
    page.goto("/partnerships/")
    page.get_by_role("link", name=NEED).click()
    page.get_by_label("Your comment").fill("Please train the teachers before the term starts.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Please train the teachers before the term starts.")).to_be_visible()
    assert Comment.objects.filter(report=report).count() == 1
