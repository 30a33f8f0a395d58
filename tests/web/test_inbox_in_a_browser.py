"""A partner reads its inbox in the console: the unread count in the header, the list, marking
a notification read by keyboard, and the link to the proposal."""

from __future__ import annotations

import re

import pytest

from matching.services import review
from notifications.models import Notification
from tests.factories import PASSWORD
from tests.web.conftest import axe_violations, sign_in
from tests.web.scenario import OVERRIDE

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_partner_reads_its_inbox_and_marks_a_notification_read_by_keyboard(page, scenario):
    review.accept_proposal(
        actor=scenario.coordinator, proposal_id=scenario.proposal.pk, override_reason=OVERRIDE
    )
    sign_in(page, "ngo.editor", PASSWORD)
    inbox_link = page.get_by_role("link", name="Inbox (1 unread)")
    assert inbox_link.is_visible()

    inbox_link.click()
    page.wait_for_url("**/console/inbox/")
    assert page.get_by_role("heading", name="Inbox").is_visible()
    assert page.get_by_text("A proposal awaits your confirmation", exact=True).is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name=re.compile(r"^Mark read\s*: A proposal awaits")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Inbox", exact=True).is_visible()
    assert page.get_by_role("cell", name="Read", exact=True).is_visible()
    assert Notification.objects.get(user=scenario.ngo_editor).read_at is not None

    page.get_by_role("link", name=re.compile(r"^Open\s*: A proposal awaits")).click()
    page.wait_for_url(f"**/console/proposals/{scenario.proposal.pk}/")


def test_another_users_notification_cannot_be_marked_read(client, scenario):
    review.accept_proposal(
        actor=scenario.coordinator, proposal_id=scenario.proposal.pk, override_reason=OVERRIDE
    )
    notification = Notification.objects.get(user=scenario.ngo_editor)
    client.force_login(scenario.company_editor)

    response = client.post(f"/console/inbox/{notification.pk}/read/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None
