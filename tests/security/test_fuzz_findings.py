"""Regression tests for what the fuzzer found: each answered 500 or broke the schema before."""

from __future__ import annotations

import pytest

from tests.api.checks import field_errors, problem

pytestmark = pytest.mark.django_db


def test_verifying_an_organization_by_a_non_numeric_id_is_a_404(world):
    problem(world.client("coordinator").post("/api/v1/organizations/null,null/verify/"), 404)


@pytest.mark.parametrize("field", ["category", "focus_areas"])
def test_a_slug_with_a_nul_byte_is_a_400_not_a_database_error(world, field):
    offer = {
        "organization": world["ngo"].pk,
        "title": "Tablets",
        "category": "tablets",
        "quantity": "12",
        "areas": ["KE"],
    }
    offer[field] = "lap\x00tops" if field == "category" else ["devi\x00ces"]
    response = world.client("owner_editor").post("/api/v1/offers/", offer, format="json")
    assert field in field_errors(response)


def test_a_disaggregation_key_with_a_nul_byte_is_a_400(world):
    report = {
        "period_end": "2026-06-30",
        "indicator_value": "1",
        "narrative": "Progress.",
        "disaggregation": {"sex\x00": {"female": "1"}},
    }
    url = f"/api/v1/partnerships/{world['partnership'].pk}/reports/"
    response = world.client("owner_editor").post(url, report, format="json")
    assert "disaggregation" in field_errors(response)


def test_a_member_sees_a_blank_contact_as_the_schema_describes_it(world):
    import jsonschema
    from drf_spectacular.generators import SchemaGenerator

    world["ngo"].__class__.objects.filter(pk=world["ngo"].pk).update(contact_email="")
    response = world.client("owner_viewer").get(f"/api/v1/organizations/{world['ngo'].pk}/")
    contact = response.json()["contact"]
    assert contact["email"] == ""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    component = schema["components"]["schemas"]["Contact"]
    jsonschema.Draft4Validator(component, format_checker=jsonschema.FormatChecker()).validate(
        contact
    )
