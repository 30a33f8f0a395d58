"""Over real HTTP (gunicorn on loopback): an oversize body answers a JSON 413 and writes nothing."""

import json
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from knox.models import AuthToken

from registry.models import Offer
from tests.conftest import member
from tests.factories import OrganizationFactory


@pytest.mark.django_db(transaction=True)
def test_a_body_over_the_limit_answers_413_problem_details_over_http(api_server):
    organization = OrganizationFactory()
    token = AuthToken.objects.create(member(organization))[1]
    body = {
        "organization": organization.pk,
        "title": "Laptops",
        "category": "laptops",
        "quantity": "5",
        "areas": ["KE"],
        "description": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024),
    }
    request = urllib.request.Request(
        f"{api_server.url}/api/v1/offers/",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=30)
    assert answer.value.code == 413
    assert answer.value.headers["Content-Type"] == "application/problem+json"
    assert json.loads(answer.value.read())["status"] == 413
    assert Offer.objects.count() == 0
