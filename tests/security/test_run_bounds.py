"""Match runs that callers can queue are bounded: one manual run at a time per scope, and
repeated changes to one need wait for the run already queued for it."""

from __future__ import annotations

import pytest

from matching.models import MatchRun
from matching.services import runs
from tests.api.checks import problem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unconsumed_queue(settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"


def test_a_second_manual_run_of_the_same_scope_answers_409_while_the_first_is_queued(world):
    coordinator = world.client("coordinator")
    first = coordinator.post("/api/v1/match-runs/", {}, format="json")
    assert first.status_code == 202
    count = MatchRun.objects.count()

    second = coordinator.post("/api/v1/match-runs/", {"parameters": {"seed": 9}}, format="json")

    assert problem(second, 409)["code"] == "run_in_progress"
    assert MatchRun.objects.count() == count
    other_scope = {"parameters": {"scope": {"area": "KE"}}}
    assert coordinator.post("/api/v1/match-runs/", other_scope, format="json").status_code == 202


@pytest.mark.parametrize("status", [MatchRun.Status.RUNNING, MatchRun.Status.SUCCEEDED])
def test_a_manual_run_may_start_once_the_previous_one_finished(world, status):
    coordinator = world.client("coordinator")
    first = coordinator.post("/api/v1/match-runs/", {}, format="json").json()["id"]
    MatchRun.objects.filter(pk=first).update(status=status)
    again = coordinator.post("/api/v1/match-runs/", {}, format="json")
    assert again.status_code == (409 if status == MatchRun.Status.RUNNING else 202)


def test_repeated_changes_to_one_need_queue_one_run_for_it(world):
    need = world["need_open"]
    first = runs.request_need_run(need_id=need.pk)
    assert runs.request_need_run(need_id=need.pk) == first
    other = runs.request_need_run(need_id=world["need_draft"].pk)
    assert other != first
    MatchRun.objects.filter(pk=first.pk).update(status=MatchRun.Status.SUCCEEDED)
    assert runs.request_need_run(need_id=need.pk) != first
