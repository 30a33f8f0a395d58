"""Webhooks over HTTPS to a TLS receiver on loopback whose certificate is made here: delivered
and verifiable when WEBHOOKS_CA_BUNDLE names its CA; refused with the TLS error in the delivery
log, and never sent in clear, when it is not trusted."""

from __future__ import annotations

import ssl

import pytest
import standardwebhooks
import trustme

from matching.services import review
from notifications.models import Kind, Webhook, WebhookDelivery
from notifications.services import webhooks
from notifications.services.webhook_signing import new_secret
from tests.notifications.receiver import Receiver
from tests.notifications.scene import build_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def tls(tmp_path):
    """A CA made for the test and the receiver's server context, certified for 127.0.0.1."""
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server)
    bundle = tmp_path / "webhooks-ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return server, bundle


@pytest.fixture
def delivery_to(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True

    def subscribe(url: str) -> WebhookDelivery:
        scene = build_scene()
        webhook = Webhook.objects.create(
            url=url,
            organization_id=scene.partner.pk,
            events=[Kind.ACCEPTANCE_TO_CONFIRM],
            created_by=scene.people["ngo.admin"],
            secret=new_secret(),
        )
        review.accept_proposal(actor=scene.people["coordinator"], proposal_id=scene.proposal.pk)
        return WebhookDelivery.objects.select_related("webhook").get(webhook=webhook)

    return subscribe


def test_a_receiver_whose_ca_is_named_gets_the_event_signed_over_https(tls, delivery_to, settings):
    server, bundle = tls
    settings.WEBHOOKS_CA_BUNDLE = str(bundle)
    with Receiver([200], tls=server) as receiver:
        delivery = delivery_to(receiver.url)
        assert receiver.url.startswith("https://127.0.0.1:")

        assert webhooks.deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.DELIVERED
        [request] = receiver.received()

    payload = standardwebhooks.Webhook(delivery.webhook.secret).verify(
        request.body, request.headers
    )
    assert payload["type"] == Kind.ACCEPTANCE_TO_CONFIRM
    assert request.headers["webhook-id"] == delivery.message_id
    assert receiver.processed == [delivery.message_id]
    assert receiver.tls_failures == []
    assert list(delivery.log.values_list("status_code", "error")) == [(200, "")]


def test_a_certificate_not_trusted_fails_with_the_tls_error_logged_and_nothing_sent(
    tls, delivery_to, settings
):
    server, _bundle = tls
    settings.WEBHOOKS_CA_BUNDLE = ""  # the system's CAs, which never signed the test's CA
    with Receiver([200], tls=server) as receiver:
        delivery = delivery_to(receiver.url)

        assert webhooks.deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.PENDING

    # (Read once the server stopped: the handshake it was in has ended.)
    assert receiver.received() == []  # no request reached the receiver, in clear or otherwise
    assert len(receiver.tls_failures) == 1  # the sender broke the handshake off
    [attempt] = delivery.log.all()
    assert attempt.status_code is None
    assert attempt.error.startswith("SSLCertVerificationError:")
    assert "certificate verify failed" in attempt.error
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_at) == (WebhookDelivery.Status.PENDING, None)
