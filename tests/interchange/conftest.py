"""A small catalogue with a formed partnership (with an approved report) and an accepted proposal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.models import Partnership
from matching.services import review
from registry.models import Organization, SdgTarget, VulnerableGroup
from tests.conftest import member
from tests.factories import (
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    UserFactory,
    proposal_for,
)
from tests.interchange.catalogue import approve_reports


@pytest.fixture
def setting(settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    company = OrganizationFactory(
        kind=Organization.Kind.COMPANY, name="Savanna Devices", identifier="KE-RCO-CPR2001"
    )
    donor = OrganizationFactory(kind=Organization.Kind.DONOR, name="Open Futures", country="SE")
    laptops = OfferFactory(organization=company, quantity=Decimal(100))
    grant = OfferFactory(
        organization=donor,
        category_id="grant",
        kind="financial",
        currency="USD",
        quantity=Decimal(50000),
        areas=["global"],
    )
    need = NeedFactory(
        indicator_name="Schools with a working computer lab",
        indicator_unit="schools",
        indicator_baseline=Decimal("4"),
        indicator_target=Decimal("40"),
        indicator_disaggregation={
            "area": {"rural": "1", "urban": "3"},
            "sex": {"female": "2", "male": "2"},
        },
    )
    need.vulnerable_groups.set([VulnerableGroup.objects.get(pk="persons-with-disabilities")])
    need.sdg_targets.set([SdgTarget.objects.get(pk="4.4"), SdgTarget.objects.get(pk="9.c")])
    coordinator = UserFactory(coordinator=True)
    editors = {"company": member(company), "donor": member(donor)}
    formed = proposal_for([(laptops, Decimal(60)), (grant, Decimal(20000))], need=need)
    review.accept_proposal(actor=coordinator, proposal_id=formed.pk)
    for editor in editors.values():
        review.confirm_lines(actor=editor, proposal_id=formed.pk)
    # The need's own organization consents to the coalition: the partnership forms.
    review.confirm_lines(actor=member(need.organization), proposal_id=formed.pk)
    pipeline = proposal_for([(laptops, Decimal(10))], need=NeedFactory(area="UG"))
    review.accept_proposal(actor=coordinator, proposal_id=pipeline.pk)
    partnership = Partnership.objects.get(proposal=formed)
    approve_reports(coordinator=coordinator, partnership=partnership, values=["12"])
    return {
        "partnership": partnership,
        "pipeline": pipeline,
        "company": company,
        "laptops": laptops,
        "grant": grant,
        "donor": donor,
        "need": need,
        "coordinator": coordinator,
        "company_editor": editors["company"],
    }
