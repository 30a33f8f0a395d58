"""Organization filters: verified, kind, country; unknown values answer 400."""

import pytest
from django.utils import timezone

from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_verified_filter_accepts_true_or_false_and_nothing_else(api):
    coordinator = UserFactory(coordinator=True)
    verified = OrganizationFactory(verified_at=timezone.now(), verified_by=coordinator)
    unverified = OrganizationFactory(verified=False)

    def names(query):
        return {row["id"] for row in api.get(f"/api/v1/organizations/?{query}").json()["results"]}

    assert names("verified=true") == {verified.pk}
    assert names("verified=false") == {unverified.pk}
    maybe = api.get("/api/v1/organizations/?verified=maybe")
    assert maybe.status_code == 400
    assert maybe.json()["errors"][0]["field"] == "verified"
