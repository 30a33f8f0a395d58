"""Throttles and the sign-in lockout key on who the client really is, and on the user for writes.

The client's address comes from TRUSTED_PROXIES trusted proxies and nothing else: a forged
X-Forwarded-For never makes a new client. The lockout counts failures per username and address
together, so a stranger elsewhere cannot lock the owner out. Writes are throttled per user.
tests/security/test_throttles_http.py shows the counters hold across gunicorn workers.
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from access.clients import client_address
from api.throttles import ScopedRateThrottle, WriteRateThrottle
from registry.models import Offer
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, "198.51.100.7"),
        (0, "203.0.113.66", "198.51.100.7"),  # direct exposure: the header is the client's word
        (1, "203.0.113.9", "203.0.113.9"),  # one proxy appended the client's address
        (1, "203.0.113.66, 203.0.113.9", "203.0.113.9"),  # the client forged the first entry
        (2, "203.0.113.66, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "198.51.100.7"),  # fewer entries than proxies: trust the connection
        (1, "not-an-address", "198.51.100.7"),
    ],
)
def test_the_client_address_is_read_through_exactly_the_trusted_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", **headers)
    assert client_address(request) == expected


def test_a_forged_x_forwarded_for_does_not_escape_the_lockout(world, api, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        api.post(
            TOKEN_URL,
            {"username": "ngo.editor", "password": "guess"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    locked = api.post(
        TOKEN_URL,
        {"username": "ngo.editor", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert locked.status_code == 429, locked.content


def test_a_stranger_failing_elsewhere_does_not_lock_the_owner_out(world, api, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        api.post(
            TOKEN_URL, {"username": "ngo.editor", "password": "guess"}, REMOTE_ADDR="203.0.113.9"
        )
    stranger = api.post(
        TOKEN_URL, {"username": "ngo.editor", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    owner = api.post(
        TOKEN_URL, {"username": "ngo.editor", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert stranger.status_code == 429
    assert owner.status_code == 200, owner.content


def test_a_forged_x_forwarded_for_does_not_escape_the_sign_in_throttle(world, api, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", "3/minute")
    statuses = [
        api.post(
            TOKEN_URL,
            {"username": f"nobody.{attempt}", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        ).status_code
        for attempt in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


def _offer(world) -> dict:
    return {
        "organization": world["ngo"].pk,
        "title": "Tablets for a library",
        "category": "tablets",
        "quantity": "12",
        "areas": ["KE"],
    }


def test_writes_are_throttled_per_user_and_reads_are_not(world, monkeypatch):
    monkeypatch.setitem(WriteRateThrottle.THROTTLE_RATES, "writes", "3/minute")
    editor = world.client("owner_editor")
    count = Offer.objects.count()
    statuses = [
        editor.post("/api/v1/offers/", _offer(world), format="json").status_code for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    assert Offer.objects.count() == count + 3
    assert editor.get("/api/v1/offers/").status_code == 200
    admin = world.client("owner_admin")  # another user's budget is untouched
    assert admin.post("/api/v1/offers/", _offer(world), format="json").status_code == 201


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/needs/"),
        ("post", "/api/v1/organizations/"),
        ("patch", "/api/v1/offers/{offer_published}/"),
        ("delete", "/api/v1/offers/{offer_draft}/"),
    ],
)
def test_every_kind_of_write_counts_against_the_users_budget(world, monkeypatch, method, path):
    monkeypatch.setitem(WriteRateThrottle.THROTTLE_RATES, "writes", "1/minute")
    editor = world.client("owner_editor")
    assert editor.post("/api/v1/offers/", _offer(world), format="json").status_code == 201
    url = path.format(**{name: world[name].pk for name in ("offer_published", "offer_draft")})
    assert getattr(editor, method)(url, {}, format="json").status_code == 429


def test_registration_reveals_taken_usernames_only_as_fast_as_its_throttle_allows(
    world, api, monkeypatch
):
    """Whether a name is taken shows in registration's answer; a forged X-Forwarded-For does
    not buy more guesses than the per-address budget."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "register", "3/hour")
    statuses = [
        api.post(
            "/api/v1/auth/register/",
            {"username": "ngo.editor", "email": "x@example.org", "password": "long-passphrase-9"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        ).status_code
        for attempt in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]
