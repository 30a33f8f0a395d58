"""Audit: every change to organizations, memberships, offers, proposals, lines, commitments and
partnerships leaves a database-trigger history row naming who made it — through the API, in bulk
updates and even in raw SQL — and history rows cannot be edited or deleted."""

from __future__ import annotations

from decimal import Decimal

import pghistory
import pytest
from django.db import DatabaseError, connection, transaction

from matching.models import Commitment, Partnership, Proposal
from matching.services import review
from registry.models import Membership, Offer, Organization
from tests.conftest import client_for, member
from tests.factories import OfferFactory, OrganizationFactory, UserFactory, proposal_for
from tests.reliability.history import EVENT_MODELS, event_model, events


@pytest.fixture
def people(reference_data):
    company = OrganizationFactory(name="Savanna Devices", kind=Organization.Kind.COMPANY)
    return {
        "company": company,
        "admin": member(company, Membership.Role.ADMIN, "company.admin"),
        "editor": member(company, Membership.Role.EDITOR, "company.editor"),
        "coordinator": UserFactory(username="coordinator.audit", coordinator=True),
        "newcomer": UserFactory(username="newcomer"),
    }


def users_of(history: list[tuple[str, dict | None]]) -> list[tuple[str, int | None]]:
    return [(label, (metadata or {}).get("user")) for label, metadata in history]


def test_every_write_through_the_api_is_recorded_with_the_signed_in_user(people):
    company, admin, editor = people["company"], people["admin"], people["editor"]
    coordinator = people["coordinator"]

    created = client_for(editor).post(
        "/api/v1/offers/",
        {
            "organization": company.pk,
            "title": "Refurbished laptops",
            "category": "laptops",
            "quantity": "100",
            "areas": ["KE"],
            "status": "published",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    offer_id = created.json()["id"]
    patched = client_for(editor).patch(
        f"/api/v1/offers/{offer_id}/", {"quantity": "120"}, format="json"
    )
    assert patched.status_code == 200, patched.json()
    assert users_of(events("registry.OfferEvent", offer_id)) == [
        ("insert", editor.pk),
        ("update", editor.pk),
    ]
    assert events("registry.OfferEvent", offer_id)[0][1]["url"] == "/api/v1/offers/"

    admin_client = client_for(admin)
    response = admin_client.patch(
        f"/api/v1/organizations/{company.pk}/", {"website": "https://savanna.example"}
    )
    assert response.status_code == 200, response.json()
    added = admin_client.post(
        f"/api/v1/organizations/{company.pk}/members/",
        {"username": "newcomer", "role": "viewer"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    membership_id = Membership.objects.get(user=people["newcomer"]).pk
    removed = admin_client.delete(
        f"/api/v1/organizations/{company.pk}/members/{people['newcomer'].pk}/"
    )
    assert removed.status_code == 204
    assert users_of(events("registry.OrganizationEvent", company.pk))[-1] == ("update", admin.pk)
    assert users_of(events("registry.MembershipEvent", membership_id)) == [
        ("insert", admin.pk),
        ("delete", admin.pk),
    ]

    offer = Offer.objects.get(pk=offer_id)
    proposal = proposal_for([(offer, Decimal(40))])
    accepted = client_for(coordinator).post(f"/api/v1/proposals/{proposal.pk}/accept/")
    assert accepted.status_code == 200, accepted.json()
    # The editor also acts for the need's government: one call confirms and consents.
    Membership.objects.create(user=editor, organization=proposal.need.organization, role="editor")
    confirmed = client_for(editor).post(f"/api/v1/proposals/{proposal.pk}/confirm/")
    assert confirmed.status_code == 200, confirmed.json()

    commitment = Commitment.objects.get(offer=offer)
    partnership = Partnership.objects.get(proposal=proposal)
    assert users_of(events("matching.ProposalEvent", proposal.pk))[1:] == [
        ("update", coordinator.pk),  # accepted
        ("update", editor.pk),  # the need's government consented
        ("update", editor.pk),  # formed when the last line was confirmed
    ]
    assert users_of(events("matching.CommitmentEvent", commitment.pk)) == [
        ("insert", coordinator.pk),
        ("update", editor.pk),
    ]
    assert users_of(events("matching.PartnershipEvent", partnership.pk)) == [("insert", editor.pk)]
    line_id = proposal.lines.get().pk
    assert users_of(events("matching.ProposalLineEvent", line_id))[-1] == ("update", editor.pk)
    offer_history = event_model("registry.OfferEvent").objects.filter(pgh_obj_id=offer_id)
    assert [
        (row.reserved, row.committed, row.pgh_context.metadata["user"])
        for row in offer_history.order_by("pgh_id")[2:]
    ] == [(Decimal(40), 0, coordinator.pk), (0, Decimal(40), editor.pk)]


def test_bulk_updates_and_raw_sql_are_recorded_row_by_row(people):
    offers = [OfferFactory(organization=people["company"]) for _ in range(5)]
    proposals = [proposal_for([(offer, Decimal(10))]) for offer in offers[:3]]
    before = event_model("registry.OfferEvent").objects.count()

    with pghistory.context(user=people["coordinator"].pk, reason="pause the company's offers"):
        paused = Offer.objects.filter(organization=people["company"]).update(status="paused")
        superseded = Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(
            status=Proposal.Status.SUPERSEDED
        )
    assert (paused, superseded) == (5, 3)
    for offer in offers:
        assert users_of(events("registry.OfferEvent", offer.pk))[-1] == (
            "update",
            people["coordinator"].pk,
        )
    for proposal in proposals:
        label, metadata = events("matching.ProposalEvent", proposal.pk)[-1]
        assert (label, metadata["reason"]) == ("update", "pause the company's offers")

    # A write that bypasses the application entirely is still recorded, without an actor.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_offer SET status = 'withdrawn' WHERE organization_id = %s",
            [people["company"].pk],
        )
    OfferEvent = event_model("registry.OfferEvent")
    assert OfferEvent.objects.count() == before + 10
    raw = OfferEvent.objects.filter(status="withdrawn")
    assert raw.count() == 5
    assert set(raw.values_list("pgh_context", flat=True)) == {None}


def test_history_rows_can_be_neither_edited_nor_deleted(people):
    offer = OfferFactory(organization=people["company"])
    proposal = proposal_for([(offer, Decimal(10))])
    review.accept_proposal(actor=people["coordinator"], proposal_id=proposal.pk)
    review.confirm_lines(actor=people["editor"], proposal_id=proposal.pk)
    # the need's organization consents: the partnership forms
    review.confirm_lines(actor=member(proposal.need.organization), proposal_id=proposal.pk)
    for label in EVENT_MODELS:
        model = event_model(label)
        assert model.objects.exists(), label
        table = connection.ops.quote_name(model._meta.db_table)
        for statement in (f"UPDATE {table} SET pgh_label = 'forged'", f"DELETE FROM {table}"):
            with (
                pytest.raises(DatabaseError, match="append_only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        assert not model.objects.filter(pgh_label="forged").exists()
