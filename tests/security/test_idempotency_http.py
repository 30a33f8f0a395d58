"""Retries racing over real HTTP: concurrent creates with one Idempotency-Key make one record."""

from __future__ import annotations

import functools

from knox.models import AuthToken

from registry.models import Membership, Offer
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.security.http import all_at_once, call

RETRIES = 10
ROUNDS = 5


def test_concurrent_retries_with_one_key_create_one_offer_and_answer_it_to_all(api_server):
    organization = OrganizationFactory()
    user = UserFactory()
    MembershipFactory(organization=organization, user=user, role=Membership.Role.EDITOR)
    token = AuthToken.objects.create(user)[1]
    for round_number in range(ROUNDS):
        body = {
            "organization": organization.pk,
            "title": f"Tablets, round {round_number}",
            "category": "tablets",
            "quantity": "12",
            "areas": ["KE"],
        }
        retries = [
            functools.partial(
                call,
                "POST",
                f"{api_server.url}/api/v1/offers/",
                token=token,
                body=body,
                headers={"Idempotency-Key": f"round-{round_number}"},
            )
            for _ in range(RETRIES)
        ]

        answers = all_at_once(retries)

        assert [status for status, _body, _headers in answers] == [201] * RETRIES, answers
        assert len({answer["id"] for _status, answer, _headers in answers}) == 1
        replayed = [headers.get("Idempotent-Replayed") for _s, _b, headers in answers]
        assert replayed.count("true") == RETRIES - 1
        assert Offer.objects.filter(title=body["title"]).count() == 1
    assert "Traceback" not in api_server.output()
