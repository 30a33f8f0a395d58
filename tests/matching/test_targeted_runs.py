"""A newly published need is matched on its own at once; other changes still fold into one run."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.models import MatchRun, Proposal
from matching.services import run_execution, runs
from registry import services
from registry.models import Category, Need, Organization
from tests.conftest import member
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory, OrganizationFactory
from tests.worker import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(settings, monkeypatch):
    """Catalogue events on; the messages sent to workers, with their countdowns."""
    settings.MATCH_ON_CATALOGUE_CHANGE = True
    sent: list[tuple[int, float]] = []
    monkeypatch.setattr(
        runs, "send_execute", lambda run_id, countdown=0: sent.append((run_id, countdown))
    )
    return sent


def publish_need(government: Organization, area: str = "KE-30", status: str = "open") -> Need:
    return services.create_need(
        actor=member(government),
        organization=government,
        data={
            "title": "Laptops for Nairobi schools",
            "area": area,
            "status": status,
            "items": [{"category": Category.objects.get(pk="laptops"), "quantity": Decimal(30)}],
        },
    )


def publish_offer(organization: Organization, index: int) -> None:
    services.create_offer(
        actor=member(organization),
        organization=organization,
        data={
            "title": f"Laptops batch {index}",
            "category": Category.objects.get(pk="laptops"),
            "quantity": Decimal(10),
            "areas": ["KE"],
            "status": "published",
        },
    )


def test_a_published_need_gets_a_run_scoped_to_it_sent_without_delay(
    events, government, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        need = publish_need(government)
    run = MatchRun.objects.get()
    assert run.trigger == MatchRun.Trigger.NEED
    assert run.parameters["scope"]["need_ids"] == [need.pk]
    assert run.not_before is None
    assert events == [(run.pk, 0)]


def test_a_draft_need_queues_no_run(events, government, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish_need(government, status="draft")
    assert not MatchRun.objects.exists()
    assert events == []


def test_a_burst_of_changes_still_gives_one_global_run_beside_the_targeted_ones(
    events, government, ngo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(5):
            publish_offer(ngo, index)
        first = publish_need(government)
        second = publish_need(government, area="KE-01")
    global_runs = MatchRun.objects.filter(trigger=MatchRun.Trigger.EVENT)
    assert global_runs.count() == 1
    assert global_runs.get().parameters["scope"].get("need_ids") is None
    targeted = MatchRun.objects.filter(trigger=MatchRun.Trigger.NEED).order_by("pk")
    assert [run.parameters["scope"]["need_ids"] for run in targeted] == [[first.pk], [second.pk]]
    delays = dict(events)
    assert delays[global_runs.get().pk] > 0
    assert all(delays[run.pk] == 0 for run in targeted)


def test_a_targeted_run_proposes_for_its_need_and_leaves_other_proposals_alone(settings):
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    government = OrganizationFactory(kind=Organization.Kind.GOVERNMENT, country="KE")
    old = NeedFactory(organization=government)
    NeedItemFactory(need=old, quantity=Decimal(40))
    OfferFactory(quantity=Decimal(200), areas=["KE"])
    run_execution.execute_match_run(run_id=runs.request_match_run(trigger="manual").pk)
    earlier = Proposal.objects.get(need=old)

    new = NeedFactory(organization=government)
    NeedItemFactory(need=new, quantity=Decimal(25))
    run = run_execution.execute_match_run(run_id=runs.request_need_run(need_id=new.pk).pk)

    assert run.status == MatchRun.Status.SUCCEEDED and run.metrics["needs"] == 1
    assert list(Proposal.objects.filter(run=run).values_list("need_id", flat=True)) == [new.pk]
    earlier.refresh_from_db()
    assert earlier.status == Proposal.Status.PROPOSED


@pytest.mark.worker
def test_a_worker_stores_the_proposal_of_a_newly_published_need(
    celery_worker_process, reference_data, settings
):
    settings.MATCH_ON_CATALOGUE_CHANGE = True
    government = OrganizationFactory(kind=Organization.Kind.GOVERNMENT, country="KE")
    OfferFactory(quantity=Decimal(200), areas=["KE"])
    need = publish_need(government)
    wait_for(
        lambda: Proposal.objects.filter(need=need).exists(),
        timeout=60,
        what="the targeted run's proposal",
        process=celery_worker_process,
    )
    run = Proposal.objects.get(need=need).run
    assert run.trigger == MatchRun.Trigger.NEED
    assert not MatchRun.objects.filter(trigger=MatchRun.Trigger.EVENT).exists()


def test_a_targeted_run_reads_only_the_best_suited_offers_of_each_category(settings, monkeypatch):
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    monkeypatch.setattr(runs, "NEED_RUN_OFFERS_PER_CATEGORY", 2)
    government = OrganizationFactory(kind=Organization.Kind.GOVERNMENT, country="KE")
    need = NeedFactory(organization=government, area="KE-30")
    need.focus_areas.set(["devices"])
    NeedItemFactory(need=need, quantity=Decimal(30))
    for _ in range(4):
        OfferFactory(quantity=Decimal(100), areas=["global"])
    nearby = OfferFactory(quantity=Decimal(100), areas=["KE-30"])
    nearby.focus_areas.set(["devices"])
    own = OfferFactory(organization=government, quantity=Decimal(100), areas=["KE-30"])
    own.focus_areas.set(["devices"])

    run = run_execution.execute_match_run(run_id=runs.request_need_run(need_id=need.pk).pk)

    assert run.parameters["scope"]["offers_per_category"] == 2
    assert run.metrics["offers"] == 2
    lines = Proposal.objects.get(run=run).lines.values_list("offer_id", flat=True)
    assert nearby.pk in lines and own.pk not in lines


@pytest.mark.parametrize("value", [0, -3, "many", 2.5])
def test_a_scope_offers_per_category_is_a_positive_integer(value):
    from registry.errors import ValidationError

    with pytest.raises(ValidationError):
        runs.request_match_run(
            trigger="manual", parameters={"scope": {"offers_per_category": value}}
        )
