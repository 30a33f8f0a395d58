"""Open Referral HSDS 3.0: every organization validates against the compiled HSDS schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from interchange.hsds import hsds_id
from registry.models import Offer, Organization
from tests.conftest import client_for
from tests.factories import OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/exports/hsds/organizations/"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "hsds-3.0" / "organization.json"


@pytest.fixture(scope="module")
def hsds_validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = validator_for(schema)
    validator.check_schema(schema)
    return validator(schema, format_checker=FormatChecker())


def records(client, **query) -> list[dict]:
    response = client.get(URL, {"page_size": 100, **query})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_every_organization_is_a_valid_hsds_record(setting, hsds_validator, api):
    setting["company"].website = "https://savanna-devices.example"
    setting["company"].save(update_fields=["website"])
    exported = records(api)
    assert len(exported) == Organization.objects.filter(is_active=True).count() >= 4
    for record in exported:
        errors = [error.message for error in hsds_validator.iter_errors(record)]
        assert errors == [], record["name"]


def test_the_schema_check_refuses_a_record_that_breaks_hsds(hsds_validator):
    assert list(hsds_validator.iter_errors({"id": "not-a-uuid", "name": "X", "description": ""}))
    service = {"id": hsds_id("offer", 1), "name": "X", "status": "open for business"}
    record = {"id": hsds_id("organization", 1), "name": "X", "description": "", "services": []}
    assert list(hsds_validator.iter_errors(record)) == []
    assert list(hsds_validator.iter_errors({**record, "services": [service]}))


def test_an_organizations_published_offers_are_its_services(setting, api):
    company = setting["company"]
    draft = OfferFactory(organization=company, status=Offer.Status.DRAFT)
    (record,) = [r for r in records(api) if r["id"] == hsds_id("organization", company.pk)]
    assert record["name"] == "Savanna Devices"
    assert record["organization_identifiers"][0]["identifier_scheme"] == "KE-RCO"
    assert record["organization_identifiers"][0]["identifier"] == "CPR2001"
    services = {service["name"]: service for service in record["services"]}
    published = Offer.objects.filter(organization=company, status="published")
    assert set(services) == set(published.values_list("title", flat=True))
    laptops = services[setting["laptops"].title]
    assert laptops["status"] == "active"
    assert [area["extent"] for area in laptops["service_areas"]] == ["KE"]
    assert {a["taxonomy_term"]["code"] for a in laptops["attributes"]} == {"laptops"}
    own = records(client_for(setting["company_editor"]))
    (mine,) = [r for r in own if r["id"] == hsds_id("organization", company.pk)]
    assert draft.title in {service["name"] for service in mine["services"]}
    assert {s["status"] for s in mine["services"] if s["name"] == draft.title} == {"inactive"}


def test_inactive_organizations_are_left_out_and_filters_apply(setting, api):
    hidden = OrganizationFactory(name="Closed down", is_active=False)
    assert hidden.name not in {record["name"] for record in records(api)}
    swedish = records(api, country="SE")
    assert [record["name"] for record in swedish] == ["Open Futures"]
    for query in ({"country": "XX"}, {"colour": "blue"}, {"kind": "pirate"}):
        response = api.get(URL, query)
        assert response.status_code == 400, query
        assert response["Content-Type"] == "application/problem+json"
