"""Every code the IATI writers use is in the IATI codelist it comes from."""

from __future__ import annotations

import json
from pathlib import Path

from interchange.iati import codes
from interchange.iati.codelists import codes as codelist
from matching.models import Partner
from registry.models import Organization

TAXONOMY = Path(__file__).resolve().parents[2] / "fixtures" / "taxonomy"


def test_the_activity_statuses_are_iati_activity_status_codes():
    used = {codes.PIPELINE, *codes.ACTIVITY_STATUS.values()}
    assert used <= codelist("ActivityStatus")


def test_the_transaction_types_are_iati_codes():
    assert {codes.INCOMING_COMMITMENT, codes.INCOMING_PLEDGE} <= codelist("TransactionType")


def test_every_focus_area_maps_to_an_active_dac_purpose_code():
    focus_areas = {row["slug"] for row in json.loads((TAXONOMY / "focus_areas.json").read_text())}
    assert focus_areas == set(codes.SECTOR_OF_FOCUS_AREA)
    assert {codes.ICT, *codes.SECTOR_OF_FOCUS_AREA.values()} <= codelist("Sector")


def test_the_policy_markers_are_iati_codes():
    assert set(codes.POLICY_MARKER_OF_GROUP.values()) <= codelist("PolicyMarker")
    assert codes.DISABILITY in codelist("PolicyMarker")


def test_partner_roles_and_organization_types_are_iati_codes():
    assert set(Partner.Role.values) == codelist("OrganisationRole")
    assert set(Organization.IATI_TYPES.values()) <= codelist("OrganisationType")
    assert set(Organization.IATI_TYPES) == set(Organization.Kind.values)


def test_the_sdg_fixtures_are_the_iati_sdg_codelists():
    targets = {row["code"] for row in json.loads((TAXONOMY / "sdg_targets.json").read_text())}
    assert targets == codelist("UNSDG-Targets")
    assert {str(goal) for goal in range(1, 18)} == codelist("UNSDG-Goals")


def test_a_withdrawn_code_is_not_an_active_code():
    assert "15120" not in codelist("Sector")  # withdrawn from the DAC list
    assert "15110" in codelist("Sector")
