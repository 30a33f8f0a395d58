"""Every partnership and accepted proposal of the demo and of a generated catalogue is a valid
IATI 2.03 activity, using only codes of the IATI codelists."""

from __future__ import annotations

import pytest

from api.demo import load_demo
from interchange import selectors
from interchange.iati.activities import write_activities
from interchange.selectors import ActivityFilter
from matching.models import Partnership, Proposal
from registry.models.visibility import is_coordinator
from tests.factories import UserFactory
from tests.factories.catalogue import load_generated_catalogue
from tests.factories.partnerships import approve_reports, form_partnerships
from tests.interchange.iati import assert_valid_activities

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet(settings):
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"


def export_everything(coordinator) -> bytes:
    assert is_coordinator(coordinator)
    selection = ActivityFilter()
    return write_activities(
        partnerships=selectors.activity_partnerships(selection=selection),
        proposals=selectors.activity_proposals(
            queryset=Proposal.objects.all(), selection=selection
        ),
        language="en",
    )


def assert_every_activity_exported(coordinator) -> None:
    partnerships = Partnership.objects.count()
    pipeline = Proposal.objects.filter(status=Proposal.Status.ACCEPTED).count()
    assert partnerships >= 3 and pipeline >= 1
    for partnership in Partnership.objects.order_by("pk")[:2]:
        approve_reports(coordinator=coordinator, partnership=partnership, values=["30", "41.5"])
    tree = assert_valid_activities(export_everything(coordinator))
    identifiers = tree.xpath("//iati-activity/iati-identifier/text()")
    assert len(identifiers) == len(set(identifiers)) == partnerships + pipeline
    assert len(tree.xpath("//activity-status[@code='1']")) == pipeline
    assert len(tree.xpath("//period/actual[not(dimension)]")) >= 4


def test_every_partnership_and_pipeline_activity_of_the_demo_is_valid_iati(quiet):
    load_demo()
    coordinator = UserFactory(username="export.coordinator", coordinator=True)
    form_partnerships(coordinator=coordinator)
    assert_every_activity_exported(coordinator)


def test_every_partnership_and_pipeline_activity_of_a_generated_catalogue_is_valid_iati(quiet):
    load_generated_catalogue(seed=7, scale=0.04)
    coordinator = UserFactory(username="export.coordinator", coordinator=True)
    form_partnerships(coordinator=coordinator)
    assert_every_activity_exported(coordinator)
