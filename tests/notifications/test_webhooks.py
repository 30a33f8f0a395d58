"""Webhooks in-process: who hears which event, signatures the reference library accepts,
retries with backoff, disabling after repeated failures, and the SSRF guard."""

from __future__ import annotations

import datetime

import pytest
import standardwebhooks
from django.utils import timezone
from rest_framework.test import APIClient

from matching.services import review
from notifications.models import Event, Kind, Notification, Webhook, WebhookDelivery
from notifications.services import webhooks
from notifications.services.webhook_signing import new_secret
from tests.notifications.receiver import Receiver
from tests.notifications.scene import build_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def _webhook(user, url: str, *, organization_id=None, events=()) -> Webhook:
    return Webhook.objects.create(
        url=url,
        organization_id=organization_id,
        events=list(events),
        created_by=user,
        secret=new_secret(),
    )


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _due_now(delivery: WebhookDelivery) -> None:
    # The backoff's wait has passed.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_an_event_reaches_the_webhooks_that_subscribed_to_it_and_no_other(scene):
    people = scene.people
    everything = _webhook(people["coordinator"], "https://a.example.org/")
    partner = _webhook(
        people["ngo.admin"], "https://b.example.org/", organization_id=scene.partner.pk
    )
    only_formed = _webhook(
        people["ngo.admin"],
        "https://c.example.org/",
        organization_id=scene.partner.pk,
        events=[Kind.PARTNERSHIP_FORMED],
    )
    government = _webhook(
        people["county.admin"], "https://d.example.org/", organization_id=scene.government.pk
    )

    review.accept_proposal(actor=people["coordinator"], proposal_id=scene.proposal.pk)

    def kinds(webhook: Webhook) -> list[str]:
        return sorted(webhook.deliveries.values_list("event__kind", flat=True))

    assert kinds(everything) == [Kind.ACCEPTANCE_TO_CONFIRM, Kind.COALITION_TO_CONSENT]
    assert kinds(partner) == [Kind.ACCEPTANCE_TO_CONFIRM]
    assert kinds(only_formed) == []
    assert kinds(government) == [Kind.COALITION_TO_CONSENT]


def test_a_failed_delivery_is_retried_with_backoff_and_signed_for_the_reference_library(
    scene, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    with Receiver([500, 200]) as receiver:
        webhook = _webhook(
            scene.people["ngo.admin"], receiver.url, organization_id=scene.partner.pk
        )
        review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
        delivery = WebhookDelivery.objects.get(webhook=webhook)

        before = timezone.now()
        assert webhooks.deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.PENDING
        delivery.refresh_from_db()
        wait = (delivery.next_attempt_at - before).total_seconds()
        base = settings.WEBHOOK_RETRY_BASE_SECONDS
        assert base / 2 <= wait <= base + 1
        assert webhooks.deliver(delivery_id=delivery.pk) == "not due"
        _due_now(delivery)
        assert webhooks.deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.DELIVERED
        assert webhooks.deliver(delivery_id=delivery.pk) == "not due"

        received = receiver.received()
    assert len(received) == 2
    assert {request.headers["webhook-id"] for request in received} == {delivery.message_id}
    verifier = standardwebhooks.Webhook(webhook.secret)
    payload = verifier.verify(received[1].body, received[1].headers)
    assert payload["type"] == Kind.ACCEPTANCE_TO_CONFIRM
    assert payload["data"]["subject_id"] == scene.proposal.pk
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(new_secret()).verify(received[1].body, received[1].headers)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert list(delivery.log.values_list("status_code", flat=True)) == [500, 200]


def test_the_backoff_doubles_up_to_its_ceiling_with_jitter(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    settings.WEBHOOK_RETRY_MAX_SECONDS = 60
    for attempts, ceiling in ((1, 10), (2, 20), (3, 40), (4, 60), (9, 60)):
        waits = {webhooks.backoff(attempts) for _ in range(20)}
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(waits) > 1


def test_a_delivery_is_given_up_after_the_retry_window(scene, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    with Receiver([503]) as receiver:
        webhook = _webhook(scene.people["coordinator"], receiver.url)
        review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
        delivery = webhook.deliveries.order_by("pk").first()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
        )
        assert webhooks.deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.FAILED


def test_repeated_failures_disable_the_webhook_and_tell_its_owner(scene, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    with Receiver([500]) as receiver:
        webhook = _webhook(
            scene.people["ngo.admin"], receiver.url, organization_id=scene.partner.pk
        )
        review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
        review.confirm_lines(actor=scene.people["ngo.editor"], proposal_id=scene.proposal.pk)
        first, second = webhook.deliveries.order_by("pk")
        webhooks.deliver(delivery_id=first.pk)
        assert Webhook.objects.get(pk=webhook.pk).is_active
        webhooks.deliver(delivery_id=second.pk)

    webhook.refresh_from_db()
    assert not webhook.is_active and webhook.disabled_at is not None
    assert set(webhook.deliveries.values_list("status", flat=True)) == {"failed"}
    notice = Notification.objects.get(event__kind=Kind.WEBHOOK_DISABLED)
    assert notice.user == scene.people["ngo.admin"]
    assert notice.event.subject_id == webhook.pk
    _due_now(first)
    assert webhooks.deliver(delivery_id=first.pk) == "not due"
    assert len(receiver.received()) == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hooks",
        "http://localhost:8000/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://0.0.0.0/hooks",
        "ftp://example.org/hooks",
    ],
)
def test_a_private_or_odd_target_is_refused_when_added(scene, url):
    response = _client(scene.people["coordinator"]).post(
        "/api/v1/webhooks/", {"url": url}, format="json"
    )

    assert response.status_code == 400, response.content
    assert response["content-type"] == "application/problem+json"
    assert not Webhook.objects.exists()


def test_a_target_that_resolves_to_loopback_is_refused_at_delivery_too(scene, settings):
    with Receiver([200]) as receiver:
        # Added while allowed (a name's addresses can change after it is added).
        settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
        url = receiver.url.replace("127.0.0.1", "localhost")
        webhook = _webhook(scene.people["coordinator"], url)
        settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
        review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
        delivery = webhook.deliveries.order_by("pk").first()

        assert webhooks.deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.PENDING
        assert receiver.received() == []
    attempt = delivery.log.get()
    assert attempt.status_code is None
    assert "refused" in attempt.error


def test_an_admin_adds_a_webhook_sees_its_secret_once_and_reads_its_deliveries(scene):
    client = _client(scene.people["ngo.admin"])
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.org/registry", "events": ["acceptance_to_confirm"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["organization"] == scene.partner.pk
    assert created["events"] == ["acceptance_to_confirm"]

    listed = client.get("/api/v1/webhooks/").json()["results"]
    assert [webhook["id"] for webhook in listed] == [created["id"]]
    assert "secret" not in listed[0]

    review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
    deliveries = client.get(f"/api/v1/webhooks/{created['id']}/deliveries/").json()
    assert deliveries["count"] == 1
    assert deliveries["results"][0]["kind"] == "acceptance_to_confirm"
    assert deliveries["results"][0]["status"] == "pending"
    assert deliveries["results"][0]["message_id"] == (
        f"msg_event_{Event.objects.get(kind='acceptance_to_confirm').pk}"
    )

    other = _client(scene.people["county.admin"])
    assert other.get(f"/api/v1/webhooks/{created['id']}/deliveries/").status_code == 404
    assert other.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 404
    assert client.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 204
    assert not Webhook.objects.exists()


def test_unknown_kinds_and_a_member_who_administers_nothing_are_refused(scene):
    admin = _client(scene.people["ngo.admin"])
    response = admin.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.org/", "events": ["gossip"]},
        format="json",
    )
    assert response.status_code == 400
    editor = _client(scene.people["ngo.editor"])
    response = editor.post(
        "/api/v1/webhooks/", {"url": "https://hooks.example.org/"}, format="json"
    )
    assert response.status_code == 403
    assert not Webhook.objects.exists()
