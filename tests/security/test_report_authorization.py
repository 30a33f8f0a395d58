"""A partner acting on another partner's progress report is refused 403, and nothing changes."""

from __future__ import annotations

import pytest

from matching.models import Partner, ProgressReport
from registry.models import Membership
from tests.api.checks import problem

pytestmark = pytest.mark.django_db


def test_submitting_another_partners_report_answers_403_and_changes_nothing(world):
    report = world["report_draft"]
    # The other member's company becomes a partner too: an insider, but not the report's author.
    company = Membership.objects.get(user=world.user("other.member")).organization
    Partner.objects.create(
        partnership=report.partnership, organization=company, role=Partner.Role.IMPLEMENTING
    )
    url = f"/api/v1/partnerships/{report.partnership_id}/reports/{report.pk}/submit/"

    response = world.client("other_member").post(url, {}, format="json")

    problem(response, 403)
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.DRAFT
    own = world.client("owner_editor").post(url, {}, format="json")
    assert own.status_code == 200  # the reporting organization's editor still may
