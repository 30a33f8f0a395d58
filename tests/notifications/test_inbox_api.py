"""GET /api/v1/notifications/ and POST /api/v1/notifications/{id}/read/: the caller's own only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.services import review
from notifications.models import Kind, Notification
from notifications.services.events import record_event
from tests.api.checks import problem
from tests.conftest import client_for
from tests.notifications.scene import build_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    scene = build_scene()
    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
    return scene


def test_a_partner_lists_its_notification_with_a_link_to_the_proposal(scene):
    response = client_for(scene.people["ngo.editor"]).get("/api/v1/notifications/")

    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["kind"] == "acceptance_to_confirm"
    assert result["read"] is False
    assert result["link"] == f"http://testserver/api/v1/proposals/{scene.proposal.pk}/"
    assert result["created_at"]


def test_a_user_sees_none_of_another_users_notifications(scene):
    response = client_for(scene.people["ngo.viewer"]).get("/api/v1/notifications/")

    assert response.json()["count"] == 0


def test_marking_read_moves_a_notification_out_of_the_unread_filter(scene):
    client = client_for(scene.people["ngo.editor"])
    notification = Notification.objects.get(user=scene.people["ngo.editor"])

    assert client.get("/api/v1/notifications/", {"unread": "1"}).json()["count"] == 1
    response = client.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True
    assert client.get("/api/v1/notifications/", {"unread": "1"}).json()["count"] == 0
    assert client.get("/api/v1/notifications/", {"unread": "0"}).json()["count"] == 1
    again = client.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert again.json()["read_at"] == response.json()["read_at"]


def test_marking_another_users_notification_read_answers_404_and_changes_nothing(scene):
    notification = Notification.objects.get(user=scene.people["ngo.editor"])

    response = client_for(scene.people["ngo.admin"]).post(
        f"/api/v1/notifications/{notification.pk}/read/"
    )

    problem(response, 404)
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("query", [{"unread": "perhaps"}, {"colour": "red"}])
def test_a_bad_filter_answers_400(scene, query):
    response = client_for(scene.people["ngo.editor"]).get("/api/v1/notifications/", query)

    problem(response, 400)


def _queries_of_the_list(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/notifications/").status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_one_notification_or_many(scene):
    user = scene.people["ngo.editor"]
    client = client_for(user)
    one = _queries_of_the_list(client)
    for _ in range(10):
        record_event(
            kind=Kind.PARTNERSHIP_FORMED, subject=scene.proposal, link="/x/", recipients=[user.pk]
        )

    assert client.get("/api/v1/notifications/").json()["count"] == 11
    assert _queries_of_the_list(client) == one
