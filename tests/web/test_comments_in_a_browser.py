"""The new forms in Chromium, showing their errors: a report with a value per group, a comment on
a report and on a proposal; axe-core finds no WCAG 2.2 A/AA violation on each."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.web.conftest import axe_violations, sign_in, sign_out
from tests.web.scenario import TODAY
from tests.web.test_pages import formed

pytestmark = pytest.mark.django_db(transaction=True)


def test_disaggregated_report_and_comment_forms_show_errors_accessibly(page, scenario):
    need = scenario.need
    need.indicator_disaggregation = {"area": {"rural": "4", "urban": "10"}}
    need.save(update_fields=["indicator_disaggregation"])
    partnership = formed(scenario)

    sign_in(page, "ngo.editor", PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    page.get_by_label("End of the period reported").fill(TODAY)
    page.get_by_label("Indicator value at the end of the period").fill("30")
    page.get_by_label("area: rural").fill("-3")
    page.get_by_label("What was done").fill("Labs in rural schools.")
    page.get_by_role("button", name="Submit report").click()
    assert page.locator(".govuk-error-summary a[href='#id_group_0_0']").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("area: rural").fill("15")
    page.get_by_role("button", name="Submit report").click()
    assert page.get_by_text("Your report is submitted for review.").is_visible()
    page.get_by_role("button", name="Add comment").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Write the comment.").is_visible()
    assert axe_violations(page) == []
    sign_out(page)

    sign_in(page, "coordinator", PASSWORD)
    page.goto(f"/console/proposals/{scenario.proposal.pk}/")
    page.get_by_role("button", name="Add comment").click()
    assert page.locator(".govuk-error-summary a[href='#id_comment-body']").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Your comment").fill("Partners: delivery dates, please.")
    page.get_by_role("button", name="Add comment").click()
    assert page.get_by_text("Partners: delivery dates, please.").is_visible()
