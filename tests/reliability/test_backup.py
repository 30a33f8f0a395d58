"""Backups: a populated database dumped with pg_dump -Fc and restored with pg_restore into a fresh
database has every row of every table, and every capacity invariant still holds there."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest

from matching.models import Commitment, Partnership, Proposal
from matching.services import review
from registry.models import Membership, Offer, Organization
from tests.conftest import member
from tests.factories import (
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    UserFactory,
    proposal_for,
)
from tests.reliability.postgres import (
    client_args,
    client_binary,
    client_env,
    connect,
    scratch_database,
    table_fingerprints,
)

# Offers whose reserved/committed counters disagree with their live commitments, or exceed
# the offer's quantity; the same for need items. Both must be empty.
OFFER_DRIFT = """
SELECT o.id FROM registry_offer o
LEFT JOIN (
    SELECT offer_id,
           sum(quantity) FILTER (WHERE state = 'reserved') AS reserved,
           sum(quantity) FILTER (WHERE state = 'committed') AS committed
    FROM matching_commitment GROUP BY offer_id
) c ON c.offer_id = o.id
WHERE coalesce(c.reserved, 0) <> o.reserved
   OR coalesce(c.committed, 0) <> o.committed
   OR o.reserved + o.committed > o.quantity
"""
ITEM_DRIFT = """
SELECT i.id FROM registry_needitem i
LEFT JOIN (
    SELECT need_item_id,
           sum(item_quantity) FILTER (WHERE state = 'reserved') AS reserved,
           sum(item_quantity) FILTER (WHERE state = 'committed') AS committed
    FROM matching_commitment GROUP BY need_item_id
) c ON c.need_item_id = i.id
WHERE coalesce(c.reserved, 0) <> i.reserved
   OR coalesce(c.committed, 0) <> i.committed
   OR i.reserved + i.committed > i.quantity
"""


@pytest.fixture
def populated(reference_data, settings):
    """Organizations, offers, needs; proposals accepted (reserved), formed (committed), rejected."""
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    coordinator = UserFactory(username="coordinator.backup", coordinator=True)
    company = OrganizationFactory(name="Savanna Devices", kind=Organization.Kind.COMPANY)
    ngo = OrganizationFactory(name="Code Clubs", kind=Organization.Kind.NGO)
    company_editor = member(company, Membership.Role.EDITOR)
    laptops = OfferFactory(organization=company, quantity=Decimal(150))
    tablets = OfferFactory(
        organization=company, category_id="tablets", quantity=Decimal(90), title="Tablets"
    )
    trainers = OfferFactory(
        organization=ngo, category_id="trainer-days", kind="human", quantity=Decimal(60)
    )
    reserved = proposal_for([(laptops, Decimal(50)), (trainers, Decimal(20))], need=NeedFactory())
    formed = proposal_for([(laptops, Decimal(70)), (tablets, Decimal(30))], need=NeedFactory())
    rejected = proposal_for([(tablets, Decimal(40))], need=NeedFactory())
    review.accept_proposal(actor=coordinator, proposal_id=reserved.pk)
    review.accept_proposal(actor=coordinator, proposal_id=formed.pk)
    review.confirm_lines(actor=company_editor, proposal_id=formed.pk)
    # The need's own organization consents: the partnership forms and the lines are committed.
    review.confirm_lines(actor=member(formed.need.organization), proposal_id=formed.pk)
    review.reject_proposal(actor=coordinator, proposal_id=rejected.pk, reason="Too small.")
    offer = Offer.objects.get(pk=laptops.pk)
    assert (offer.reserved, offer.committed) == (Decimal(50), Decimal(70))
    assert Commitment.objects.count() == 4
    assert Partnership.objects.count() == 1
    assert Proposal.objects.filter(status=Proposal.Status.REJECTED).count() == 1


def test_a_dump_restored_into_a_fresh_database_has_every_row_and_invariant(populated, tmp_path):
    from django.db import connection

    dump = tmp_path / "registry.dump"
    pg_dump, pg_restore = client_binary("pg_dump"), client_binary("pg_restore")
    subprocess.run(
        [pg_dump, "-Fc", *client_args(), "-f", str(dump), connection.settings_dict["NAME"]],
        env=client_env(),
        check=True,
        timeout=60,
        capture_output=True,
    )
    with connect(connection.settings_dict["NAME"]) as source:
        before = table_fingerprints(source)

    with scratch_database("restore") as restored_name:
        restored = subprocess.run(
            [
                pg_restore,
                *client_args(),
                "--no-owner",
                "--exit-on-error",
                "-d",
                restored_name,
                str(dump),
            ],
            env=client_env(),
            timeout=120,
            capture_output=True,
            text=True,
        )
        assert restored.returncode == 0, restored.stderr
        with connect(restored_name) as copy:
            after = table_fingerprints(copy)
            assert after == before
            assert sum(count for count, _ in after.values()) > 500  # taxonomies and all
            for table in ("matching_commitment", "matching_partnership", "registry_offerevent"):
                assert after[table][0] > 0, table
            assert copy.execute(OFFER_DRIFT).fetchall() == []
            assert copy.execute(ITEM_DRIFT).fetchall() == []

            # The restored schema still enforces the capacity constraint and records history.
            events = copy.execute("SELECT count(*) FROM registry_offerevent").fetchone()[0]
            copy.execute("UPDATE registry_offer SET status = 'paused'")
            offers = copy.execute("SELECT count(*) FROM registry_offer").fetchone()[0]
            assert copy.execute("SELECT count(*) FROM registry_offerevent").fetchone()[0] == (
                events + offers
            )
            with pytest.raises(Exception, match="offer_capacity_not_exceeded"):
                copy.execute("UPDATE registry_offer SET reserved = quantity + 1")
