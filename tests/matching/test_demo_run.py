"""The demo catalogue loads through the API's validation, and one run proposes coalitions for it."""

from __future__ import annotations

import json

import pytest

from api.demo import DEMO_FILE, load_demo
from matching.models import MatchRun, Proposal
from matching.services import run_execution, runs
from registry.models import Need, Offer, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    return load_demo()


def test_the_demo_loads_into_an_empty_database_through_the_api_validation(demo):
    source = json.loads(DEMO_FILE.read_text())
    assert demo == {
        "organizations": len(source["organizations"]),
        "offers": len(source["offers"]),
        "needs": len(source["needs"]),
    }
    assert set(Organization.objects.values_list("kind", flat=True)) == set(Organization.Kind.values)
    assert Organization.objects.values("country").distinct().count() >= 5
    assert set(Offer.objects.values_list("kind", flat=True)) == {"financial", "human", "technical"}
    assert load_demo() == {
        "organizations": 0,
        "offers": 0,
        "needs": 0,
    }  # a second load changes nothing


def test_one_run_on_the_demo_proposes_multi_stakeholder_coalitions_with_explanations(demo):
    run = run_execution.execute_match_run(run_id=runs.request_match_run(trigger="manual").pk)
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    open_needs = Need.objects.open().count()
    proposals = list(
        Proposal.objects.filter(run=run).prefetch_related("lines__offer__organization")
    )
    assert len(proposals) >= 0.8 * open_needs
    coalitions = [
        p
        for p in proposals
        if len({line.organization_id for line in p.lines.all()}) >= 3
        and len({line.offer.organization.kind for line in p.lines.all()}) >= 2
    ]
    assert len(coalitions) >= 3
    for proposal in proposals:
        assert proposal.explanation["summary"]
        for line in proposal.lines.all():
            assert line.offer.organization.name in line.explanation
    assert run.metrics["capacity_violations"] == 0
    assert run.metrics["coverage"] <= run.metrics["lp_bound"] + 1e-9
