"""The need form without a browser: rows added by posting the page back, the indicator's
disaggregation, consultations and SDG targets written through the need service, refusals that
name the field and write nothing."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from registry.models import Need
from tests.web.scenario import OVERRIDE, build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return build_scenario()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def full_need(organization, **changes) -> dict:
    data = {
        "organization": organization.pk,
        "title": "Screen readers for blind students in Kisumu",
        "area": "KE-42",
        "priority": "4",
        "population": "800",
        "deadline": "2099-06-30",
        "indicator_name": "Students with a screen reader",
        "indicator_unit": "students",
        "indicator_baseline": "120",
        "indicator_target": "800",
        "group_1_dimension": "sex",
        "group_1_group": "female",
        "group_1_baseline": "50",
        "group_2_dimension": "sex",
        "group_2_group": "male",
        "group_2_baseline": "70",
        "group_3_dimension": "age band",
        "group_3_group": "15-24",
        "group_3_baseline": "100.5",
        "vulnerable_groups": ["persons-with-disabilities", "youth"],
        "sdg_targets": "4.5, 4.A",
        "consultation_1_held_on": "2026-03-14",
        "consultation_1_summary": "The association of the blind asked for Braille displays too.",
        "consultation_1_groups": ["persons-with-disabilities"],
        "item_1_category": "assistive-devices",
        "item_1_quantity": "680",
        "item_2_category": "grant",
        "item_2_quantity": "25000",
        "item_2_currency": "usd",
        "item_3_category": "trainer-days",
        "item_3_quantity": "30",
        "item_4_category": "laptops",
        "item_4_quantity": "10",
        "publish": "1",
    }
    data.update(changes)
    return data


def test_add_another_resource_shows_one_more_empty_row_and_saves_nothing(catalogue):
    client = signed_in(catalogue.government_editor)
    page = client.get("/console/needs/new/").content.decode()
    assert 'name="item_1_category"' in page and 'name="item_2_category"' not in page
    # the SDG targets are typed; their codes are listed by goal, folded away
    assert page.count('id="sdg-codes"') == 1 and "<strong>9.c</strong>" in page
    before = Need.objects.count()
    typed = {
        "organization": catalogue.need.organization.pk,
        "title": "Half typed",
        "item_1_category": "laptops",
        "item_1_quantity": "5",
        "add_item": "1",
    }
    again = client.post("/console/needs/new/", typed)
    assert again.status_code == 200
    page = again.content.decode()
    assert 'name="item_2_category"' in page and 'name="item_3_category"' not in page
    assert 'value="Half typed"' in page and 'value="5"' in page
    assert "govuk-error-summary" not in page  # the area is missing, but nothing was checked yet
    more = client.post("/console/needs/new/", {**typed, "group_1_dimension": "", "add_group": "1"})
    assert 'name="group_2_dimension"' in more.content.decode()
    consulted = client.post("/console/needs/new/", {**typed, "add_consultation": "1"})
    assert 'name="consultation_2_summary"' in consulted.content.decode()
    assert 'name="consultation_3_summary"' not in consulted.content.decode()
    assert Need.objects.count() == before


def test_a_need_with_four_items_disaggregation_consultation_and_sdg_targets(catalogue):
    government = catalogue.need.organization
    client = signed_in(catalogue.government_editor)
    response = client.post("/console/needs/new/", full_need(government))
    assert response.status_code == 302, response.content.decode()[:2000]
    need = Need.objects.get(title="Screen readers for blind students in Kisumu")
    assert need.status == Need.Status.OPEN
    assert need.items.count() == 4
    assert need.indicator_disaggregation == {
        "sex": {"female": "50", "male": "70"},
        "age band": {"15-24": "100.5"},
    }
    assert sorted(need.sdg_targets.values_list("code", flat=True)) == ["4.5", "4.a"]
    consultation = need.consultations.get()
    assert consultation.held_on == datetime.date(2026, 3, 14)
    assert list(consultation.groups.values_list("pk", flat=True)) == ["persons-with-disabilities"]
    # the API reads back exactly what the page wrote
    api = client.get(f"/api/v1/needs/{need.pk}/").json()
    assert api["indicator"]["disaggregation"] == need.indicator_disaggregation
    assert sorted(api["sdg_targets"]) == ["4.5", "4.a"]
    assert len(api["items"]) == 4 and len(api["consultations"]) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sdg_targets": "4.5, 99.z"}, "sdg_targets"),
        ({"group_2_baseline": ""}, "group_2_baseline"),
        ({"group_3_group": ""}, "group_3_group"),
        ({"group_2_group": "female"}, "group_2_group"),
        ({"group_1_baseline": "many"}, "group_1_baseline"),
        ({"group_1_group": "x" * 41}, "group_1_group"),
        ({"consultation_1_summary": ""}, "consultation_1_summary"),
        ({"consultation_1_held_on": ""}, "consultation_1_held_on"),
        ({"item_3_category": ""}, "item_3_category"),
        ({"item_4_category": "assistive-devices"}, "item_1_category"),  # service: one per category
        ({"item_4_quantity": "-1"}, "item_4_quantity"),
    ],
)
def test_a_refusal_names_its_field_and_writes_nothing(catalogue, changes, field):
    government = catalogue.need.organization
    client = signed_in(catalogue.government_editor)
    before = Need.objects.count()
    refused = client.post("/console/needs/new/", full_need(government, **changes))
    assert refused.status_code == 400
    assert f'href="#id_{field}'.encode() in refused.content
    assert Need.objects.count() == before


def test_at_most_ten_dimensions_as_the_api(catalogue):
    government = catalogue.need.organization
    rows = {}
    for row in range(1, 12):
        rows |= {
            f"group_{row}_dimension": f"dimension {row}",
            f"group_{row}_group": "all",
            f"group_{row}_baseline": "1",
        }
    client = signed_in(catalogue.government_editor)
    refused = client.post("/console/needs/new/", full_need(government, **rows))
    assert refused.status_code == 400
    assert b'href="#id_group_11_dimension"' in refused.content
    assert b"At most 10 dimensions." in refused.content
    assert not Need.objects.filter(title=full_need(government)["title"]).exists()


def test_the_service_error_on_a_later_item_lands_on_its_row_past_an_empty_one(catalogue):
    government = catalogue.need.organization
    client = signed_in(catalogue.government_editor)
    refused = client.post(
        "/console/needs/new/",
        full_need(
            government,
            item_2_category="",
            item_2_quantity="",
            item_2_currency="",
            item_3_category="grant",
            item_3_quantity="100",
            item_3_currency="",
        ),
    )
    assert refused.status_code == 400
    assert b'href="#id_item_3_currency"' in refused.content


def test_editing_keeps_the_rows_removes_an_uncovered_item_and_not_a_covered_one(catalogue):
    from matching.services.review import accept_proposal

    need = catalogue.need
    need.indicator_disaggregation = {"sex": {"female": "6", "male": "8"}}
    need.save(update_fields=["indicator_disaggregation"])
    client = signed_in(catalogue.government_editor)
    url = f"/console/needs/{need.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'value="female"' in page and 'value="male"' in page
    body = {
        "title": need.title,
        "area": "KE-32",
        "priority": "3",
        "indicator_name": need.indicator_name,
        "indicator_baseline": "14",
        "indicator_target": "60",
        "group_1_dimension": "sex",
        "group_1_group": "female",
        "group_1_baseline": "6",
        "group_2_dimension": "sex",
        "group_2_group": "male",
        "group_2_baseline": "9",
        "sdg_targets": "4.a",
        "item_1_category": "laptops",
        "item_1_quantity": "60",
        "item_2_category": "trainer-days",
        "item_2_quantity": "20",
    }
    # both items are in the proposal: they stay, and a forced removal is refused, not a 500
    assert 'name="item_1_remove"' not in page and 'name="item_2_remove"' not in page
    refused = client.post(url, {**body, "item_2_remove": "on"})
    assert refused.status_code == 400 and b'href="#id_item_2_category"' in refused.content
    assert b"Partners were proposed for this resource" in refused.content
    need.refresh_from_db()
    assert need.indicator_disaggregation == {"sex": {"female": "6", "male": "8"}}
    assert need.sdg_targets.count() == 0
    accept_proposal(
        actor=catalogue.coordinator, proposal_id=catalogue.proposal.pk, override_reason=OVERRIDE
    )
    page = client.get(url).content.decode()
    assert "Partners already cover part of this resource" in page
    refused = client.post(url, {**body, "item_2_remove": "on"})
    assert refused.status_code == 400 and b"already covered" in refused.content
    assert need.items.count() == 2
    saved = client.post(
        url,
        {**body, "item_3_category": "grant", "item_3_quantity": "500", "item_3_currency": "USD"},
    )
    assert saved.status_code == 302
    assert need.items.count() == 3
    assert list(need.sdg_targets.values_list("code", flat=True)) == ["4.a"]
    need.refresh_from_db()
    assert need.indicator_disaggregation == {"sex": {"female": "6", "male": "9"}}
    page = client.get(url).content.decode()
    assert 'name="item_3_remove"' in page
    removed = client.post(
        url,
        {
            **body,
            "item_3_category": "grant",
            "item_3_quantity": "500",
            "item_3_currency": "USD",
            "item_3_remove": "on",
        },
    )
    assert removed.status_code == 302
    assert sorted(need.items.values_list("category_id", flat=True)) == ["laptops", "trainer-days"]
