"""Match runs that callers can queue are bounded: one manual run at a time per scope, repeated
changes to one need wait for the run already queued for it, and one user's writes queue at most
MATCH_RUNS_QUEUED_PER_USER targeted runs (then the one debounced global run)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from matching.models import MatchRun
from matching.services import runs
from registry.models import Membership
from tests.api.checks import problem
from tests.conftest import client_for, member
from tests.factories import NeedFactory

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


def test_one_users_burst_of_published_needs_queues_a_bounded_number_of_runs(
    gov_editor, government, settings, django_capture_on_commit_callbacks
):
    settings.MATCH_ON_CATALOGUE_CHANGE = True
    settings.MATCH_RUNS_QUEUED_PER_USER = 2
    client = client_for(gov_editor)
    deadline = (timezone.now() + datetime.timedelta(days=90)).date().isoformat()
    body = {
        "organization": government.pk,
        "area": "KE-30",
        "status": "open",
        "deadline": deadline,
        "items": [{"category": "laptops", "quantity": "5"}],
    }
    before = MatchRun.objects.count()
    for number in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/needs/", {**body, "title": f"Need {number}"}, format="json"
            )
        assert response.status_code == 201, response.content

    queued = MatchRun.objects.filter(status=MatchRun.Status.QUEUED)
    targeted = queued.filter(trigger=MatchRun.Trigger.NEED)
    assert targeted.count() == 2
    assert set(targeted.values_list("requested_by", flat=True)) == {gov_editor.pk}
    assert queued.filter(trigger=MatchRun.Trigger.EVENT).count() == 1
    assert MatchRun.objects.count() - before == 3
    # Another user's needs have their own allowance.
    other = member(government, Membership.Role.EDITOR, "gov.other")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(other).post(
            "/api/v1/needs/", {**body, "title": "Other"}, format="json"
        )
    assert response.status_code == 201, response.content
    assert targeted.filter(requested_by=other).count() == 1


def test_a_users_allowance_frees_once_a_queued_run_has_been_claimed(gov_editor, settings):
    settings.MATCH_RUNS_QUEUED_PER_USER = 1
    first = runs.request_need_run(need_id=NeedFactory().pk, actor=gov_editor)
    assert runs.request_need_run(need_id=NeedFactory().pk, actor=gov_editor).trigger == "event"
    MatchRun.objects.filter(pk=first.pk).update(status=MatchRun.Status.RUNNING)
    assert runs.request_need_run(need_id=NeedFactory().pk, actor=gov_editor).trigger == "need"
