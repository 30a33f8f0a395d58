"""Match runs: claimed once, idempotent, superseding, debounced, recovered, failing loudly."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from matching.models import MatchRun, Proposal, StateChange
from matching.services import review, run_execution, run_parameters, runs
from registry.models import Category, Organization
from tests.factories import (
    NeedFactory,
    NeedItemFactory,
    OfferFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(settings):
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    government = OrganizationFactory(kind=Organization.Kind.GOVERNMENT, country="KE")
    needs = []
    for index in range(3):
        need = NeedFactory(organization=government, area="KE-30", priority=3 + index)
        NeedItemFactory(need=need, category_id="laptops", quantity=Decimal(40))
        needs.append(need)
    OfferFactory(quantity=Decimal(200), areas=["KE"])
    return needs


def _run(**parameters) -> MatchRun:
    run = runs.request_match_run(trigger="manual", parameters=parameters)
    return run_execution.execute_match_run(run_id=run.pk)


def test_a_run_proposes_for_every_need_and_records_its_metrics(catalogue):
    run = _run()
    assert run.status == MatchRun.Status.SUCCEEDED
    assert Proposal.objects.filter(run=run).count() == 3
    for key in ("coverage", "lp_bound", "gap", "greedy_coverage", "candidates", "seconds"):
        assert key in run.metrics
    assert {"load", "candidates", "solve", "save"} <= set(run.metrics["seconds"])
    assert run.progress == 100 and run.finished_at is not None


def test_executing_the_same_run_twice_changes_nothing_the_second_time(catalogue):
    run = _run()
    before = list(Proposal.objects.order_by("pk").values_list("pk", "status"))
    again = run_execution.execute_match_run(run_id=run.pk)
    assert again.status == MatchRun.Status.SUCCEEDED and again.attempts == 1
    assert list(Proposal.objects.order_by("pk").values_list("pk", "status")) == before


def test_a_second_run_on_unchanged_data_does_not_duplicate_live_proposals(catalogue):
    first = _run()
    second = _run()
    assert Proposal.objects.filter(run=second).count() == 0
    assert second.metrics["proposals_kept"] == 3
    assert Proposal.objects.filter(status=Proposal.Status.PROPOSED, run=first).count() == 3


def test_a_new_run_supersedes_unacted_proposals_and_never_touches_accepted_ones(catalogue):
    _run()
    coordinator = UserFactory(coordinator=True)
    accepted = Proposal.objects.get(need=catalogue[2])
    review.accept_proposal(actor=coordinator, proposal_id=accepted.pk)
    OfferFactory(quantity=Decimal(500), areas=["KE-30"], title="Tablets and laptops for Nairobi")
    second = _run()
    accepted.refresh_from_db()
    assert accepted.status == Proposal.Status.ACCEPTED
    old = Proposal.objects.exclude(run=second).exclude(pk=accepted.pk)
    assert set(old.values_list("status", flat=True)) == {Proposal.Status.SUPERSEDED}
    assert (
        StateChange.objects.filter(subject_type="proposal", to_state="superseded").count()
        == old.count()
    )


def test_a_failed_run_stores_the_error(catalogue, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver unavailable")

    monkeypatch.setattr(run_execution, "solve", broken)
    run = runs.request_match_run(trigger="manual")
    with pytest.raises(RuntimeError):
        run_execution.execute_match_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert "solver unavailable" in run.error


def test_unknown_parameters_are_refused_before_a_run_is_created(catalogue):
    from registry.errors import ValidationError

    with pytest.raises(ValidationError):
        runs.request_match_run(trigger="manual", parameters={"wieght_text": 1})
    with pytest.raises(ValidationError):
        runs.request_match_run(trigger="manual", parameters={"scope": {"everything": True}})
    assert MatchRun.objects.count() == 0


def test_a_run_scope_is_capped(catalogue):
    run = runs.request_match_run(trigger="manual", parameters={"scope": {"max_needs": 10**9}})
    assert run.parameters["scope"]["max_needs"] == run_parameters.MAX_SCOPE_NEEDS


def test_a_burst_of_catalogue_changes_queues_one_event_run(
    settings, django_capture_on_commit_callbacks
):
    settings.MATCH_ON_CATALOGUE_CHANGE = True
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    from registry import services
    from tests.conftest import member

    organization = OrganizationFactory()
    editor = member(organization)
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(5):
            services.create_offer(
                actor=editor,
                organization=organization,
                data={
                    "title": f"Laptops batch {index}",
                    "category": Category.objects.get(pk="laptops"),
                    "quantity": Decimal(10),
                    "areas": ["KE"],
                    "status": "published",
                },
            )
    assert (
        MatchRun.objects.filter(
            trigger=MatchRun.Trigger.EVENT, status=MatchRun.Status.QUEUED
        ).count()
        == 1
    )


def test_a_run_whose_worker_stopped_beating_is_requeued(
    catalogue, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    run = MatchRun.objects.create(
        status=MatchRun.Status.RUNNING,
        worker="gone:1",
        attempts=1,
        heartbeat_at=timezone.now()
        - datetime.timedelta(seconds=settings.MATCH_RUN_STALE_SECONDS + 5),
    )
    fresh = MatchRun.objects.create(
        status=MatchRun.Status.RUNNING, worker="alive:2", heartbeat_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert runs.recover_stale_runs() == [run.pk]
    assert len(callbacks) == 1
    run.refresh_from_db()
    fresh.refresh_from_db()
    assert run.status == MatchRun.Status.QUEUED and fresh.status == MatchRun.Status.RUNNING
    finished = run_execution.execute_match_run(run_id=run.pk)
    assert finished.status == MatchRun.Status.SUCCEEDED and finished.attempts == 2


def test_a_run_takes_its_workers_time_limit_and_niceness_from_settings_unless_it_sets_them(
    settings,
):
    settings.MATCH_WORKERS, settings.MATCH_TIME_LIMIT, settings.MATCH_SOLVER_NICENESS = 3, 25.0, 7
    defaults = run_parameters.clean_parameters(None)
    assert (defaults["workers"], defaults["time_limit"], defaults["solver_niceness"]) == (3, 25, 7)
    chosen = run_parameters.clean_parameters({"workers": 1, "time_limit": 5, "solver_niceness": 0})
    assert (chosen["workers"], chosen["time_limit"], chosen["solver_niceness"]) == (1, 5, 0)


def test_progress_writes_a_new_stage_at_once_and_the_same_stage_at_most_twice_a_second(db):
    import time

    run = MatchRun.objects.create(status=MatchRun.Status.RUNNING, stage="", progress=0)

    def seen():
        run.refresh_from_db()
        return run.stage, run.progress

    # Claimed just now: a run of one need writes nothing.
    fresh = run_execution._progress(run.pk)
    fresh("candidates", 0)
    fresh("allocation", 30)
    assert seen() == ("", 0)
    # Claimed a second ago: each new stage is written at once, even right after another one (a
    # long solve used to show the short stage before it), a repeat of the last stage is not.
    report = run_execution._progress(run.pk, claimed=time.monotonic() - 1)
    report("scoring", 15)
    assert seen() == ("scoring", 15)
    report("allocation", 30)
    assert seen() == ("allocation", 30)
    report("allocation", 45)
    assert seen() == ("allocation", 30)


@pytest.mark.django_db(transaction=True)  # the heartbeat writes on its own connection
def test_the_heartbeat_thread_keeps_a_running_run_fresh_until_it_stops(settings):
    settings.MATCH_RUN_STALE_SECONDS = 3
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    run = MatchRun.objects.create(
        status=MatchRun.Status.RUNNING, worker="here:1", attempts=1, heartbeat_at=long_ago
    )
    finished = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED, heartbeat_at=long_ago)
    with run_execution.Heartbeat(run.pk, run_execution.heartbeat_interval()) as heartbeat:
        assert heartbeat.alive
        assert heartbeat.wait_for(2, timeout=60)
        run.refresh_from_db()
        assert timezone.now() - run.heartbeat_at < datetime.timedelta(seconds=3)
        assert runs.recover_stale_runs() == []
    assert not heartbeat.alive
    finished.refresh_from_db()
    assert finished.heartbeat_at == long_ago  # only a running run is touched


def test_a_run_beats_during_a_solve_longer_than_the_stale_limit_and_is_not_requeued(
    reference_data, catalogue, settings, monkeypatch
):
    """A single large block reports no progress until it is solved: the heartbeat thread is what
    keeps recovery from handing the run to a second worker while the first is still solving."""
    settings.MATCH_RUN_STALE_SECONDS = 2  # a beat every 0.4 s
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    heartbeats, seen = [], {}
    real_solve = run_execution.solve

    class Watched(run_execution.Heartbeat):
        def __enter__(self):
            heartbeats.append(self)
            return super().__enter__()

    def long_solve(problem, parameters, progress):
        # Six beats are 2.4 s: longer than the stale limit since the claim wrote the heartbeat
        # (the progress reports write nothing in a run's first half second).
        run = MatchRun.objects.get(status=MatchRun.Status.RUNNING)
        seen["claimed"] = run.heartbeat_at
        assert heartbeats[-1].wait_for(6, timeout=60)
        seen["recovered"] = runs.recover_stale_runs()
        seen["beat"] = MatchRun.objects.get(pk=run.pk).heartbeat_at
        return real_solve(problem, parameters, progress=progress)

    monkeypatch.setattr(run_execution, "Heartbeat", Watched)
    monkeypatch.setattr(run_execution, "solve", long_solve)
    run = run_execution.execute_match_run(
        run_id=runs.request_match_run(trigger="manual", parameters={}).pk
    )
    assert run.status == MatchRun.Status.SUCCEEDED and run.attempts == 1
    assert seen["recovered"] == []
    assert seen["beat"] - seen["claimed"] >= datetime.timedelta(seconds=2)
    assert len(heartbeats) == 1 and not heartbeats[0].alive
    assert run.proposals.count() == 3
    assert not StateChange.objects.filter(
        subject_type="matchrun", subject_id=run.pk, reason__contains="re-queued"
    ).exists()
