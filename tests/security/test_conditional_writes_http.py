"""Conditional writes race over real HTTP: of N writers holding the same ETag, exactly one wins.

Each round, WRITERS clients read a record's ETag, then send their edit with `If-Match` at the same
instant through gunicorn (three processes, many threads). The precondition is checked against the
row under its lock, inside the write's transaction, so exactly one answers 200 (or 204) and the
others 412 problem details, and the stored record is the winner's.
"""

from __future__ import annotations

import functools

import pytest
from knox.models import AuthToken

from registry.models import Membership, Need, Offer, Organization
from tests.factories import MembershipFactory, NeedFactory, OfferFactory, UserFactory
from tests.security.http import all_at_once, call
from tests.security.server import ApiServer

WRITERS = 20
ROUNDS = 10
MODELS = {"offers": Offer, "needs": Need, "organizations": Organization}


@pytest.fixture(scope="module")
def three_worker_server(django_db_setup, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        server = ApiServer(connection.settings_dict, workers=3, threads=8).start()
    try:
        yield server
    finally:
        server.stop()


def _editor_token(organization: Organization) -> str:
    user = UserFactory()
    MembershipFactory(organization=organization, user=user, role=Membership.Role.ADMIN)
    return AuthToken.objects.create(user)[1]


def _record(resource: str):
    if resource == "offers":
        return OfferFactory()
    if resource == "needs":
        return NeedFactory()
    return OfferFactory().organization


def _organization_of(record) -> Organization:
    return record if isinstance(record, Organization) else record.organization


@pytest.mark.parametrize("resource", list(MODELS))
def test_of_twenty_concurrent_edits_with_the_same_etag_exactly_one_succeeds(
    resource, reference_data, three_worker_server
):
    server = three_worker_server
    for round_number in range(ROUNDS):
        record = _record(resource)
        token = _editor_token(_organization_of(record))
        url = f"{server.url}/api/v1/{resource}/{record.pk}/"
        status, _body, headers = call("GET", url, token=token)
        assert status == 200
        etag = headers["ETag"]
        edits = [
            functools.partial(
                call,
                "PATCH",
                url,
                token=token,
                body={"description": f"Edit {writer} of round {round_number}."},
                headers={"If-Match": etag},
            )
            for writer in range(WRITERS)
        ]

        answers = all_at_once(edits)

        statuses = [status for status, _body, _headers in answers]
        assert sorted(statuses) == [200] + [412] * (WRITERS - 1), (round_number, answers)
        winner = statuses.index(200)
        stored = MODELS[resource].objects.get(pk=record.pk)
        assert stored.description == f"Edit {winner} of round {round_number}."
        assert all(
            body["status"] == 412 and headers["Content-Type"] == "application/problem+json"
            for status, body, headers in answers
            if status == 412
        )
    assert "Traceback" not in server.output()


@pytest.mark.parametrize("resource", ["offers", "needs"])
def test_of_twenty_concurrent_deletes_with_the_same_etag_exactly_one_succeeds(
    resource, reference_data, three_worker_server
):
    server = three_worker_server
    for round_number in range(ROUNDS // 2):
        record = _record(resource)
        token = _editor_token(_organization_of(record))
        url = f"{server.url}/api/v1/{resource}/{record.pk}/"
        etag = call("GET", url, token=token)[2]["ETag"]
        deletes = [
            functools.partial(call, "DELETE", url, token=token, headers={"If-Match": etag})
            for _ in range(WRITERS)
        ]

        statuses = sorted(status for status, _body, _headers in all_at_once(deletes))

        assert statuses == [204] + [412] * (WRITERS - 1), (round_number, statuses)
    assert "Traceback" not in server.output()
