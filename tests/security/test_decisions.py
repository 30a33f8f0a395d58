"""Sensitive flows: accept, reject, confirm and decline are idempotent, throttled per user and
recorded with their actor in the proposal's history."""

from __future__ import annotations

import pytest

from api.throttles import ScopedRateThrottle
from api.views.matching import ProposalViewSet
from tests.api.checks import problem
from tests.security.routes import database_state

pytestmark = pytest.mark.django_db

# decision, target proposal, role that may decide, body, what the history then records
DECISIONS = [
    ("accept", "proposal_proposed", "coordinator", {}, ("proposal", "accepted")),
    ("reject", "proposal_proposed", "coordinator", {"reason": "Not now."}, ("proposal", "rejected")),
    ("confirm", "proposal_accepted", "owner_editor", {}, ("proposalline", "confirmed")),
    ("decline", "proposal_accepted", "owner_editor", {"reason": "No."}, ("proposalline", "declined")),
]  # fmt: skip


def _history(world, proposal) -> list[dict]:
    response = world.client("coordinator").get(f"/api/v1/proposals/{proposal.pk}/history/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(("decision", "target", "role", "body", "recorded"), DECISIONS)
def test_a_repeated_decision_answers_200_unchanged_and_changes_nothing(
    world, settings, decision, target, role, body, recorded
):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    proposal = world[target]
    url = f"/api/v1/proposals/{proposal.pk}/{decision}/"
    client = world.client(role)

    first = client.post(url, body, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["changed"] is True
    history = _history(world, proposal)
    before = database_state(proposal, *proposal.lines.all())

    again = client.post(url, body, format="json")

    assert again.status_code == 200, again.content
    assert again.json()["changed"] is False
    assert again.json()["proposal"] == first.json()["proposal"]
    assert database_state(proposal, *proposal.lines.all()) == before
    assert _history(world, proposal) == history
    subject, state = recorded
    actor = world.username(role)
    assert any(
        (entry["subject_type"], entry["to_state"], entry["actor"]) == (subject, state, actor)
        for entry in history
    ), history


def test_every_decision_is_throttled_in_the_decisions_scope():
    for decision, *_ in DECISIONS:
        view = ProposalViewSet()
        view.action = decision
        throttles = view.get_throttles()
        assert [type(t) for t in throttles] == [ScopedRateThrottle], decision
        assert view.throttle_scope == "decisions"


def test_the_call_after_the_rate_answers_429_for_that_user_only(world, monkeypatch):
    # A small rate, as in tests/security/test_throttles.py: the default's 120 decisions prove nothing
    # more and took twenty seconds.
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "decisions", "3/minute")
    limit = int(ScopedRateThrottle.THROTTLE_RATES["decisions"].split("/")[0])
    url = f"/api/v1/proposals/{world['proposal_accepted'].pk}/accept/"
    coordinator = world.client("coordinator")
    answers = [coordinator.post(url).status_code for _ in range(limit)]
    assert answers == [200] * limit

    refused = coordinator.post(url)

    problem(refused, 429)
    assert int(refused["Retry-After"]) > 0
    other = world.client("owner_editor").post(
        f"/api/v1/proposals/{world['proposal_accepted'].pk}/confirm/"
    )
    assert other.status_code == 200  # another user's budget is untouched
