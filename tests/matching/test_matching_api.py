"""Match runs and coverage statistics over the API; the schedule names real tasks."""

from decimal import Decimal

import pytest
from django.conf import settings as project_settings

from config.celery import app
from matching.models import MatchRun
from matching.services import review
from tests.conftest import client_for
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory, UserFactory, proposal_for

pytestmark = pytest.mark.django_db


def test_coordinators_start_runs_and_get_202_others_do_not(api, ngo_editor, settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    coordinator = client_for(UserFactory(coordinator=True))
    response = coordinator.post("/api/v1/match-runs/", {"parameters": {"seed": 3}}, format="json")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert response.json()["parameters"]["seed"] == 3
    assert client_for(ngo_editor).post("/api/v1/match-runs/", {}, format="json").status_code == 403
    assert api.post("/api/v1/match-runs/", {}, format="json").status_code == 401
    assert client_for(ngo_editor).get("/api/v1/match-runs/").status_code == 403
    bad = coordinator.post("/api/v1/match-runs/", {"parameters": {"weight_txt": 1}}, format="json")
    assert bad.status_code == 400
    assert MatchRun.objects.count() == 1


def test_coverage_statistics_follow_commitments(api, settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    need = NeedFactory()
    NeedItemFactory(need=need, category_id="laptops", quantity=Decimal(50))
    offer = OfferFactory(quantity=Decimal(100))
    before = {row["key"]: row for row in api.get("/api/v1/stats/coverage/").json()["rows"]}
    figure = before["laptops"]["figures"][0]
    assert (figure["needed"], figure["reserved"]) == ("50.00", "0.00")
    proposal = proposal_for([(offer, Decimal(20))], need=need)
    review.accept_proposal(actor=UserFactory(coordinator=True), proposal_id=proposal.pk)
    after = {row["key"]: row for row in api.get("/api/v1/stats/coverage/").json()["rows"]}
    assert after["laptops"]["figures"][0]["reserved"] == "20.00"
    assert after["laptops"]["shares"]["reserved"] == 0.4
    by_area = api.get("/api/v1/stats/coverage/?by=area").json()["rows"]
    assert [row["key"] for row in by_area] == ["KE", "KE-30"]
    assert api.get("/api/v1/stats/coverage/?by=nothing").status_code == 400


def test_the_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in project_settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
    task = app.tasks["matching.execute_run"]
    assert task.acks_late and task.reject_on_worker_lost
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit


def test_a_runs_history_says_who_queued_it_and_how_it_ended(settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    from matching.services import run_execution, runs

    user = UserFactory(username="coordinator.history", coordinator=True)
    run = runs.request_match_run(trigger="manual", actor=user)
    run_execution.execute_match_run(run_id=run.pk)
    history = client_for(user).get(f"/api/v1/match-runs/{run.pk}/history/").json()
    assert [change["to_state"] for change in history] == ["queued", "running", "succeeded"]
    assert history[0]["actor"] == "coordinator.history"
