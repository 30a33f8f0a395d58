"""Lost updates: a write with a stale If-Match answers 412 and changes nothing."""

import pytest

from registry.models import Offer, Organization
from tests.conftest import client_for
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("resource", ["offers", "organizations"])
def test_an_edit_with_a_stale_etag_answers_412(resource, ngo, ngo_editor):
    client = client_for(ngo_editor)
    record = OfferFactory(organization=ngo) if resource == "offers" else ngo
    url = f"/api/v1/{resource}/{record.pk}/"
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    fresh = client.patch(url, {"description": "First edit."}, format="json", HTTP_IF_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    stale = client.patch(
        url, {"description": "Second edit from a stale copy."}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    model = Offer if resource == "offers" else Organization
    assert model.objects.get(pk=record.pk).description == "First edit."
    again = client.patch(
        url, {"description": "Third edit."}, format="json", HTTP_IF_MATCH=fresh["ETag"]
    )
    assert again.status_code == 200


def test_a_withdrawal_with_a_stale_etag_answers_412(ngo, ngo_editor):
    client = client_for(ngo_editor)
    offer = OfferFactory(organization=ngo)
    url = f"/api/v1/offers/{offer.pk}/"
    etag = client.get(url)["ETag"]
    client.patch(url, {"title": "Renamed"}, format="json")
    assert client.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PUBLISHED
