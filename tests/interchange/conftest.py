"""A small catalogue with a formed partnership (with an approved report) and an accepted proposal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.models import Partnership
from matching.services import review
from registry.models import SdgTarget
from tests.factories import NeedFactory, coalition, proposal_for
from tests.factories.partnerships import approve_reports


@pytest.fixture
def setting(settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    scene = coalition(
        company={"identifier": "KE-RCO-CPR2001"},
        need={
            "indicator_name": "Schools with a working computer lab",
            "indicator_unit": "schools",
            "indicator_baseline": Decimal("4"),
            "indicator_target": Decimal("40"),
            "indicator_disaggregation": {
                "area": {"rural": "1", "urban": "3"},
                "sex": {"female": "2", "male": "2"},
            },
            "vulnerable_groups": ["persons-with-disabilities"],
        },
    )
    need, laptops, coordinator = scene.need, scene.laptops, scene.coordinator
    need.sdg_targets.set([SdgTarget.objects.get(pk="4.4"), SdgTarget.objects.get(pk="9.c")])
    scene.form()
    pipeline = proposal_for([(laptops, Decimal(10))], need=NeedFactory(area="UG"))
    review.accept_proposal(actor=coordinator, proposal_id=pipeline.pk)
    partnership = Partnership.objects.get(proposal=scene.proposal)
    approve_reports(coordinator=coordinator, partnership=partnership, values=["12"])
    return {
        "partnership": partnership,
        "pipeline": pipeline,
        "company": laptops.organization,
        "laptops": laptops,
        "grant": scene.grant,
        "donor": scene.grant.organization,
        "need": need,
        "coordinator": coordinator,
        "company_editor": scene.company,
    }
