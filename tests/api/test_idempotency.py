"""Safe retries: a create sent again with the same Idempotency-Key answers the first response."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import IdempotencyRecord
from matching.models import MatchRun
from registry.models import Need, Offer, Organization
from tests.api.checks import field_errors, problem
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def creates(ngo, ngo_editor, government, gov_editor, settings):
    """(client, path, body, model) for each collection that takes an Idempotency-Key."""
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    offer = {
        "organization": ngo.pk,
        "title": "Tablets for a library",
        "category": "tablets",
        "quantity": "12",
        "areas": ["KE"],
    }
    need = {
        "organization": government.pk,
        "title": "Skills for older persons",
        "area": "KE-30",
        "items": [{"category": "trainer-days", "quantity": "20"}],
    }
    organization = {"name": "Open Laptops Trust", "kind": "ngo", "country": "KE"}
    coordinator = client_for(UserFactory(coordinator=True))
    return {
        "offers": (client_for(ngo_editor), "/api/v1/offers/", offer, Offer),
        "needs": (client_for(gov_editor), "/api/v1/needs/", need, Need),
        "organizations": (
            client_for(ngo_editor),
            "/api/v1/organizations/",
            organization,
            Organization,
        ),
        "match-runs": (coordinator, "/api/v1/match-runs/", {"parameters": {"seed": 7}}, MatchRun),
    }


COLLECTIONS = ["offers", "needs", "organizations", "match-runs"]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_a_retry_with_the_same_key_and_body_answers_the_first_response_and_creates_nothing(
    collection, creates
):
    client, path, body, model = creates[collection]
    first = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code in (201, 202), first.content
    count = model.objects.count()

    again = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")

    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert model.objects.count() == count


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_the_same_key_with_another_body_answers_422_and_creates_nothing(collection, creates):
    client, path, body, model = creates[collection]
    assert client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code < 300
    count = model.objects.count()
    changed = {**body, "title": "Something else"} if "title" in body else {**body, "extra": 1}
    if collection == "organizations":
        changed = {**body, "name": "Another Trust"}
    if collection == "match-runs":
        changed = {"parameters": {"seed": 8}}

    response = client.post(path, changed, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert problem(response, 422)["code"] == "idempotency_key_reused"
    assert model.objects.count() == count


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_without_a_key_each_post_creates(collection, creates):
    client, path, body, model = creates[collection]
    count = model.objects.count()
    for name, area in (("One Trust", "KE"), ("Two Trust", "UG")):
        payload = {**body, "name": name} if collection == "organizations" else body
        if collection == "match-runs":  # one manual run at a time per scope
            payload = {"parameters": {"scope": {"area": area}}}
        assert client.post(path, payload, format="json").status_code < 300
    assert model.objects.count() == count + 2


def test_a_key_belongs_to_its_user(creates, ngo_admin):
    client, path, body, _model = creates["offers"]
    mine = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    theirs = client_for(ngo_admin).post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]


def test_a_key_older_than_a_day_creates_again(creates):
    client, path, body, _model = creates["offers"]
    first = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=1, seconds=1))
    again = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]
    assert IdempotencyRecord.objects.count() == 1


def test_a_refused_create_is_not_remembered_so_the_corrected_retry_succeeds(creates):
    client, path, body, _model = creates["offers"]
    refused = client.post(path, {**body, "quantity": "-1"}, format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert "quantity" in field_errors(refused)
    assert not IdempotencyRecord.objects.exists()
    assert client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="x").status_code == 201


# WSGI hands header bytes over as Latin-1: "clé" is how a UTF-8 "clé" arrives.
@pytest.mark.parametrize("key", ["", "a" * 256, "clé".encode().decode("latin-1"), "two words"])
def test_a_malformed_key_answers_400_and_creates_nothing(key, creates):
    client, path, body, model = creates["offers"]
    count = model.objects.count()
    response = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert "Idempotency-Key" in field_errors(response)
    assert model.objects.count() == count
