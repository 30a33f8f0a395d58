"""Capacity follows the need's life, over HTTP: every rule with the case it refuses."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from matching.models import Commitment, Partnership, Proposal, StateChange
from matching.services import review
from registry.models import Need, NeedItem
from tests.api.checks import field_errors, problem
from tests.conftest import client_for
from tests.factories import Coalition, coalition

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings) -> Coalition:
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    return coalition()


def accept(world: Coalition, **body):
    response = client_for(world.coordinator).post(world.url("accept"), body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def live_reservations(world: Coalition) -> set[str]:
    return set(
        Commitment.objects.filter(line__proposal=world.proposal).values_list("state", flat=True)
    )


def test_cancelling_a_need_withdraws_its_accepted_proposal_and_releases_capacity(world):
    accept(world)
    response = client_for(world.government).delete(f"/api/v1/needs/{world.need.pk}/")
    assert response.status_code == 204
    world.refresh()
    assert world.proposal.status == Proposal.Status.WITHDRAWN
    assert (world.laptops.reserved, world.grant.reserved) == (0, 0)
    assert live_reservations(world) == {"released"}
    change = StateChange.objects.filter(subject_type="proposal", to_state="withdrawn").get()
    assert change.reason == f"need {world.need.pk} cancelled"
    assert change.actor == world.government
    # Accepting or confirming it now is a conflict, and says why.
    again = client_for(world.coordinator).post(world.url("accept"))
    assert "withdrawn" in problem(again, 409)["detail"]
    confirm = client_for(world.company).post(world.url("confirm"))
    assert problem(confirm, 409)["code"] == "not_accepted"


@pytest.mark.parametrize("status", ["closed", "draft"])
def test_closing_or_unpublishing_a_need_withdraws_its_proposed_proposal(world, status):
    response = client_for(world.government).patch(
        f"/api/v1/needs/{world.need.pk}/", {"status": status}, format="json"
    )
    assert response.status_code == 200, response.content
    world.refresh()
    assert world.proposal.status == Proposal.Status.WITHDRAWN


def test_withdrawing_an_offer_withdraws_the_proposals_that_depend_on_it(world):
    accept(world)
    response = client_for(world.donor).delete(f"/api/v1/offers/{world.grant.pk}/")
    assert response.status_code == 204
    world.refresh()
    assert world.proposal.status == Proposal.Status.WITHDRAWN
    # both lines' reservations go: the coalition no longer exists as accepted
    assert (world.laptops.reserved, world.grant.reserved) == (0, 0)
    reason = StateChange.objects.get(subject_type="proposal", to_state="withdrawn").reason
    assert reason == f"offer {world.grant.pk} withdrawn"


def test_lowering_an_offer_below_what_live_proposals_hold_withdraws_them(world):
    accept(world)
    response = client_for(world.company).patch(
        f"/api/v1/offers/{world.laptops.pk}/", {"quantity": "50"}, format="json"
    )
    assert response.status_code == 200, response.content
    world.refresh()
    assert world.proposal.status == Proposal.Status.WITHDRAWN
    assert (world.laptops.quantity, world.laptops.reserved) == (50, 0)


def test_lowering_an_offer_that_still_covers_its_proposals_keeps_them(world):
    accept(world)
    response = client_for(world.company).patch(
        f"/api/v1/offers/{world.laptops.pk}/", {"quantity": "60"}, format="json"
    )
    assert response.status_code == 200, response.content
    world.refresh()
    assert world.proposal.status == Proposal.Status.ACCEPTED
    assert world.laptops.reserved == 60


def test_pausing_an_offer_withdraws_its_proposals(world):
    response = client_for(world.company).patch(
        f"/api/v1/offers/{world.laptops.pk}/", {"status": "paused"}, format="json"
    )
    assert response.status_code == 200, response.content
    world.refresh()
    assert world.proposal.status == Proposal.Status.WITHDRAWN


def test_a_need_is_met_only_when_partners_commit_and_reservations_show_apart(world, api):
    body = accept(world)
    assert body["proposal"]["respond_by"] is not None
    need = api.get(f"/api/v1/needs/{world.need.pk}/").json()
    assert need["status"] == "open" and need["in_progress"] is True
    assert {(item["reserved"], item["committed"]) for item in need["items"]} == {
        ("60.00", "0.00"),
        ("20000.00", "0.00"),
    }
    for user in (world.company, world.donor):
        assert client_for(user).post(world.url("confirm")).status_code == 200
    world.refresh()
    assert world.need.status == Need.Status.OPEN  # the government has not consented yet
    assert not Partnership.objects.exists()
    consent = client_for(world.government).post(world.url("confirm"))
    assert consent.status_code == 200, consent.content
    assert consent.json()["proposal"]["owner_consent"] == "given"
    need = api.get(f"/api/v1/needs/{world.need.pk}/").json()
    assert (need["status"], need["in_progress"]) == ("met", False)
    assert {item["committed"] for item in need["items"]} == {"60.00", "20000.00"}


def test_the_need_owner_declining_the_coalition_withdraws_it_and_releases_everything(world):
    accept(world)
    client_for(world.company).post(world.url("confirm"))
    response = client_for(world.government).post(
        world.url("decline"), {"reason": "We need Swahili content"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["proposal"]["status"] == "withdrawn"
    assert body["proposal"]["owner_consent"] == "declined"
    assert "goes back to matching" in body["message"]
    world.refresh()
    assert (world.laptops.reserved, world.grant.reserved) == (0, 0)
    assert not Partnership.objects.exists()


def test_an_outsider_neither_confirms_nor_consents(world):
    from tests.conftest import member
    from tests.factories import OrganizationFactory

    outsider = member(OrganizationFactory())
    assert client_for(outsider).post(world.url("confirm")).status_code == 404


def test_a_coordinator_revokes_an_acceptance_with_a_reason(world):
    accept(world)
    client = client_for(world.coordinator)
    assert "reason" in field_errors(client.post(world.url("revoke"), {}, format="json"))
    response = client.post(world.url("revoke"), {"reason": "Offer under audit"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["proposal"]["status"] == "withdrawn"
    assert body["proposal"]["reason"] == "Offer under audit"
    assert "matched again" in body["message"]
    world.refresh()
    assert (world.laptops.reserved, world.grant.reserved) == (0, 0)
    change = StateChange.objects.get(subject_type="proposal", to_state="withdrawn")
    assert (change.actor, change.reason) == (world.coordinator, "revoked: Offer under audit")
    assert problem(client.post(world.url("revoke"), {"reason": "x"}, format="json"), 409)


def test_partners_cannot_revoke_and_a_formed_partnership_cannot_be_revoked(world):
    accept(world)
    denied = client_for(world.company).post(world.url("revoke"), {"reason": "x"}, format="json")
    assert denied.status_code == 403
    for user in (world.company, world.donor, world.government):
        client_for(user).post(world.url("confirm"))
    formed = client_for(world.coordinator).post(world.url("revoke"), {"reason": "x"}, format="json")
    assert problem(formed, 409)["code"] == "not_accepted"


def test_respond_by_may_be_set_and_must_lie_ahead(world):
    client = client_for(world.coordinator)
    past = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    assert "respond_by" in field_errors(client.post(world.url("accept"), {"respond_by": past}))
    assert Commitment.objects.count() == 0
    ahead = timezone.now() + datetime.timedelta(days=3)
    body = accept(world, respond_by=ahead.isoformat())
    world.refresh()
    assert world.proposal.respond_by == ahead
    assert body["proposal"]["respond_by"] is not None


def test_unanswered_lines_expire_and_release_their_capacity(world):
    accept(world)
    client_for(world.company).post(world.url("confirm"))
    client_for(world.government).post(world.url("confirm"))
    world.refresh()
    assert review.expire_unanswered_proposals(now=world.proposal.respond_by) == []
    later = world.proposal.respond_by + datetime.timedelta(seconds=1)
    assert review.expire_unanswered_proposals(now=later) == [world.proposal.pk]
    world.refresh()
    # the donor never answered: its grant is released; the confirmed laptops form a partnership
    assert world.grant.reserved == 0
    assert world.proposal.status == Proposal.Status.FORMED
    assert Partnership.objects.get().need == world.need
    assert world.need.status == Need.Status.PARTIALLY_MET
    change = StateChange.objects.get(subject_type="proposalline", to_state="declined")
    assert change.reason.startswith("no answer by") and change.actor is None


def test_without_the_owners_consent_the_whole_proposal_expires(world):
    accept(world)
    for user in (world.company, world.donor):
        client_for(user).post(world.url("confirm"))
    world.refresh()
    later = world.proposal.respond_by + datetime.timedelta(seconds=1)
    review.expire_unanswered_proposals(now=later)
    world.refresh()
    assert world.proposal.status == Proposal.Status.WITHDRAWN
    assert (world.laptops.reserved, world.grant.reserved) == (0, 0)
    assert NeedItem.objects.filter(need=world.need, reserved__gt=0).count() == 0


def test_a_need_cannot_be_published_with_a_past_deadline(gov_editor, government):
    body = {
        "organization": government.pk,
        "title": "Too late",
        "area": "KE-30",
        "status": "open",
        "deadline": "2020-01-01",
        "items": [{"category": "laptops", "quantity": "1"}],
    }
    client = client_for(gov_editor)
    assert "deadline" in field_errors(client.post("/api/v1/needs/", body, format="json"))
    draft = client.post("/api/v1/needs/", {**body, "status": "draft"}, format="json")
    assert draft.status_code == 201, draft.content
    publish = client.patch(
        f"/api/v1/needs/{draft.json()['id']}/", {"status": "open"}, format="json"
    )
    assert "deadline" in field_errors(publish)
    assert Need.objects.get(pk=draft.json()["id"]).status == "draft"


def test_an_offer_cannot_be_published_once_its_availability_ended(ngo_editor, ngo):
    body = {
        "organization": ngo.pk,
        "title": "Old laptops",
        "category": "laptops",
        "quantity": "5",
        "areas": ["KE"],
        "status": "published",
        "available_from": "2020-01-01",
        "available_until": "2020-12-31",
    }
    client = client_for(ngo_editor)
    assert "available_until" in field_errors(client.post("/api/v1/offers/", body, format="json"))
    draft = client.post("/api/v1/offers/", {**body, "status": "draft"}, format="json")
    assert draft.status_code == 201, draft.content
    url = f"/api/v1/offers/{draft.json()['id']}/"
    assert "available_until" in field_errors(client.patch(url, {"status": "published"}))
    fixed = client.patch(url, {"status": "published", "available_until": "2099-12-31"})
    assert fixed.status_code == 200, fixed.content


def test_a_quantity_lowered_below_what_is_committed_is_refused(world):
    accept(world)
    for user in (world.company, world.donor, world.government):
        client_for(user).post(world.url("confirm"))
    response = client_for(world.company).patch(
        f"/api/v1/offers/{world.laptops.pk}/", {"quantity": "59"}, format="json"
    )
    assert "quantity" in field_errors(response)
    world.refresh()
    assert (world.laptops.quantity, world.laptops.committed) == (Decimal(100), Decimal(60))
