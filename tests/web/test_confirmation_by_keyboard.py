"""A partner declines its lines with the keyboard alone: the reason field comes after the
confirmation and before the decline button, every stop shows its focus."""

from __future__ import annotations

import pytest

from matching.models import ProposalLine
from tests.factories import PASSWORD
from tests.web.conftest import sign_in
from tests.web.scenario import OVERRIDE
from tests.web.test_review_in_a_browser import tab_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_partner_declines_by_keyboard_with_a_reason(page, scenario):
    from matching.services.review import accept_proposal

    accept_proposal(
        actor=scenario.coordinator, proposal_id=scenario.proposal.pk, override_reason=OVERRIDE
    )
    sign_in(page, "company.editor", PASSWORD)
    page.goto(f"/console/proposals/{scenario.proposal.pk}/")
    stops = tab_to(page, "id_reason")
    page.keyboard.type("Our trainers are booked until next year.")
    stops += tab_to(page, "decline-lines")
    assert stops[0] == "Skip to main content"
    assert stops.index("confirm-lines") < stops.index("id_reason") < stops.index("decline-lines")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Declined 1 line(s); their capacity is released.").is_visible()
    line = ProposalLine.objects.get(proposal=scenario.proposal, offer=scenario.trainers)
    assert line.confirmation == ProposalLine.Confirmation.DECLINED
