"""The coordinators' merge pages: the queue, a pair side by side, merge, refusal, not the same."""

from __future__ import annotations

import pytest
from django.test import Client

from interchange.models import DistinctOrganizations, OrganizationAlias, OrganizationMerge
from registry.models import Organization
from tests.conftest import member
from tests.factories import NeedFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def twins(settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    first = OrganizationFactory(name="Savanna Devices", kind="company", country="KE")
    second = OrganizationFactory(name="Savanna Devices Ltd", kind="company", country="KE")
    OfferFactory(organization=second)
    return first, second


def test_a_coordinator_compares_a_pair_and_merges_one_into_the_other(twins, coordinator):
    first, second = twins
    client = signed_in(coordinator)
    queue = client.get("/console/merge/")
    pair_url = f"/console/merge/{first.pk}/{second.pk}/"
    assert queue.status_code == 200 and pair_url.encode() in queue.content
    page = client.get(pair_url)
    assert page.status_code == 200
    assert b"Savanna Devices Ltd" in page.content and b"alike" in page.content
    merged = client.post(f"{pair_url}merge/", {"into": first.pk})
    assert merged.status_code == 302 and merged["Location"] == "/console/merge/"
    record = OrganizationMerge.objects.get()
    assert (record.merged, record.into, record.merged_by) == (second, first, coordinator)
    assert first.offers.count() == 1
    assert OrganizationAlias.objects.filter(organization=first, value="Savanna Devices Ltd")
    assert client.get(pair_url).status_code == 404  # the pair has left the queue
    assert pair_url.encode() not in client.get("/console/merge/").content


def test_a_merge_that_breaks_a_rule_is_refused_with_its_reason(coordinator, settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    ministry = OrganizationFactory(name="Ministry of ICT Kenya", kind="government", country="KE")
    company = OrganizationFactory(name="Ministry of ICT Kenya Ltd", kind="company", country="KE")
    NeedFactory(organization=ministry)
    pair_url = f"/console/merge/{ministry.pk}/{company.pk}/"
    client = signed_in(coordinator)
    assert b"would be refused" in client.get(pair_url).content
    refused = client.post(f"{pair_url}merge/", {"into": company.pk})
    assert refused.status_code == 409
    assert b"only governments post needs" in refused.content
    assert not OrganizationMerge.objects.exists()
    assert ministry.needs.count() == 1
    garbled = client.post(f"{pair_url}merge/", {"into": "somebody"})
    assert garbled.status_code == 400 and not OrganizationMerge.objects.exists()


def test_not_the_same_takes_the_pair_out_of_the_queue(twins, coordinator):
    first, second = twins
    client = signed_in(coordinator)
    pair_url = f"/console/merge/{first.pk}/{second.pk}/"
    assert client.post(f"{pair_url}distinct/").status_code == 302
    decision = DistinctOrganizations.objects.get()
    assert (decision.first, decision.second, decision.decided_by) == (first, second, coordinator)
    assert pair_url.encode() not in client.get("/console/merge/").content
    assert client.get(pair_url).status_code == 404
    assert Organization.objects.filter(is_active=True).count() == 2


def test_only_coordinators_reach_the_merge_pages(twins):
    first, second = twins
    client = signed_in(member(first))
    pair_url = f"/console/merge/{first.pk}/{second.pk}/"
    for response in (
        client.get("/console/merge/"),
        client.get(pair_url),
        client.post(f"{pair_url}merge/", {"into": first.pk}),
        client.post(f"{pair_url}distinct/"),
    ):
        assert response.status_code == 403
    assert not OrganizationMerge.objects.exists() and not DistinctOrganizations.objects.exists()
