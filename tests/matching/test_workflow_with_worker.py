"""The whole flow through the API with a real Celery worker on a real broker.

Offers and a need are posted → a coordinator starts a run → the worker proposes a coalition →
the coordinator accepts → every partner confirms → a partnership is formed and capacities move
from reserved to committed.
"""

from decimal import Decimal

import pytest

from registry.models import Membership, Need, Offer, Organization
from tests.conftest import client_for, member
from tests.factories import OrganizationFactory, UserFactory
from tests.worker import wait_for

pytestmark = pytest.mark.worker


def _offer(client, organization, **fields):
    body = {
        "organization": organization.pk,
        "title": fields.pop("title"),
        "description": fields.pop("description", "Resources for digital inclusion."),
        "areas": fields.pop("areas", ["KE"]),
        "status": "published",
        **fields,
    }
    response = client.post("/api/v1/offers/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


@pytest.fixture
def coalition(reference_data):
    government = OrganizationFactory(
        name="Ministry of ICT (test)", kind=Organization.Kind.GOVERNMENT, country="KE"
    )
    company = OrganizationFactory(
        name="Savanna Devices Ltd", kind=Organization.Kind.COMPANY, country="KE"
    )
    donor = OrganizationFactory(
        name="Open Futures Foundation", kind=Organization.Kind.DONOR, country="SE"
    )
    ngo = OrganizationFactory(name="Code Clubs Kenya", kind=Organization.Kind.NGO, country="KE")
    people = {
        org.kind: client_for(member(org, Membership.Role.EDITOR))
        for org in (government, company, donor, ngo)
    }
    offers = {
        "laptops": _offer(
            people["company"],
            company,
            title="Refurbished laptops",
            category="laptops",
            quantity="150",
            description="Laptops with offline learning content for schools.",
        ),
        "grant": _offer(
            people["donor"],
            donor,
            title="Digital skills grant",
            category="grant",
            quantity="80000",
            currency="USD",
            areas=["global"],
        ),
        "trainer-days": _offer(
            people["ngo"],
            ngo,
            title="Coding trainers",
            category="trainer-days",
            quantity="60",
            areas=["KE-30"],
        ),
    }
    need = people["government"].post(
        "/api/v1/needs/",
        {
            "organization": government.pk,
            "title": "Digital skills labs for Nairobi secondary schools",
            "description": "Twenty schools without computer labs; teachers need training to run lessons.",
            "area": "KE-30",
            "priority": 5,
            "status": "open",
            "items": [
                {"category": "laptops", "quantity": "100"},
                {"category": "grant", "quantity": "50000", "currency": "USD"},
                {"category": "trainer-days", "quantity": "40"},
            ],
        },
        format="json",
    )
    assert need.status_code == 201, need.json()
    return {"need": need.json()["id"], "offers": offers, "people": people, "government": government}


def test_offers_and_a_need_become_a_partnership_through_a_real_worker(
    celery_worker_process, coalition
):
    coordinator = client_for(UserFactory(username="coordinator.flow", coordinator=True))
    started = coordinator.post("/api/v1/match-runs/", {}, format="json")
    assert started.status_code == 202
    assert started.json()["status"] == "queued"
    run_url = f"/api/v1/match-runs/{started.json()['id']}/"

    wait_for(
        lambda: coordinator.get(run_url).json()["status"] in {"succeeded", "failed"},
        timeout=60,
        what="the run to finish",
        process=celery_worker_process,
    )
    run = coordinator.get(run_url).json()
    assert run["status"] == "succeeded", run["error"]
    assert run["progress"] == 100
    assert run["metrics"]["capacity_violations"] == 0
    assert run["metrics"]["coverage"] == 1.0

    proposals = coordinator.get(f"/api/v1/proposals/?need={coalition['need']}").json()["results"]
    assert len(proposals) == 1
    proposal = proposals[0]
    assert {line["offer"] for line in proposal["lines"]} == set(coalition["offers"].values())
    assert {line["confirmation"] for line in proposal["lines"]} == {"pending"}
    assert "3 partners" in proposal["explanation"]["summary"]

    accepted = coordinator.post(f"/api/v1/proposals/{proposal['id']}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["changed"] is True
    laptops = Offer.objects.get(pk=coalition["offers"]["laptops"])
    assert (laptops.reserved, laptops.committed, laptops.remaining) == (
        Decimal(100),
        0,
        Decimal(50),
    )

    for kind in ("company", "donor", "ngo", "government"):  # partners, then the need's owner
        confirmed = coalition["people"][kind].post(f"/api/v1/proposals/{proposal['id']}/confirm/")
        assert confirmed.status_code == 200, confirmed.json()

    partnerships = coordinator.get(f"/api/v1/partnerships/?need={coalition['need']}").json()[
        "results"
    ]
    assert len(partnerships) == 1
    roles = {(p["organization"], p["role_name"]) for p in partnerships[0]["partners"]}
    assert (coalition["government"].pk, "Accountable") in roles
    assert {name for _, name in roles} == {"Accountable", "Funding", "Implementing"}
    laptops.refresh_from_db()
    assert (laptops.reserved, laptops.committed, laptops.remaining) == (
        0,
        Decimal(100),
        Decimal(50),
    )
    grant = Offer.objects.get(pk=coalition["offers"]["grant"])
    assert (grant.reserved, grant.committed) == (0, Decimal(50000))
    assert Need.objects.get(pk=coalition["need"]).status == Need.Status.MET
    history = coordinator.get(f"/api/v1/proposals/{proposal['id']}/history/").json()
    assert [c["to_state"] for c in history if c["subject_type"] == "proposal"] == [
        "proposed",
        "accepted",
        "formed",
    ]


@pytest.fixture
def without_catalogue_runs(settings):
    # No run may supersede the proposal built by hand below.
    settings.MATCH_ON_CATALOGUE_CHANGE = False


def test_unanswered_confirmations_expire_through_a_real_worker(
    without_catalogue_runs, celery_worker_process, coalition
):
    """The expiry task the beat schedule sends, executed by a worker: reservations come back."""
    from celery import current_app
    from django.conf import settings
    from django.utils import timezone

    from matching.models import Proposal
    from matching.services import review
    from tests.factories import proposal_for

    laptops = Offer.objects.get(pk=coalition["offers"]["laptops"])
    need = Need.objects.get(pk=coalition["need"])
    proposal = proposal_for([(laptops, Decimal(100))], need=need)
    coordinator = UserFactory(username="coordinator.expiry", coordinator=True)
    review.accept_proposal(actor=coordinator, proposal_id=proposal.pk)
    Proposal.objects.filter(pk=proposal.pk).update(respond_by=timezone.now())
    entry = settings.CELERY_BEAT_SCHEDULE["expire-unanswered-proposals"]

    current_app.send_task(entry["task"], queue=settings.CELERY_TASK_DEFAULT_QUEUE)

    wait_for(
        lambda: Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.WITHDRAWN,
        timeout=60,
        what="the expiry task to withdraw the unanswered proposal",
        process=celery_worker_process,
    )
    laptops.refresh_from_db()
    assert laptops.reserved == 0
