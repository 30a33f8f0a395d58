"""What an IATI activity says about one partnership, and who may read which activities."""

from __future__ import annotations

import pytest

from interchange.iati.schema import ACTIVITIES, ORGANISATIONS, schema_errors
from matching.models import Proposal
from tests.conftest import client_for, member
from tests.factories import OrganizationFactory
from tests.interchange.iati import assert_valid_activities, parsed

pytestmark = pytest.mark.django_db
URL = "/api/v1/exports/iati-activities/"


def activities(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml"
    return assert_valid_activities(response.content)


def test_a_partnership_is_an_activity_with_its_partners_money_sdgs_and_results(setting, api):
    tree = activities(api, partnership=setting["partnership"].pk)
    (activity,) = tree.xpath("//iati-activity")
    donor, need = setting["donor"], setting["need"]
    roles = {
        (org.get("ref"), org.get("role"), org.get("type"))
        for org in activity.xpath("participating-org")
    }
    assert roles == {
        ("KE-RCO-CPR2001", "4", "70"),  # the laptops: implementing, private sector
        (f"XX-REGISTRY-ORG-{donor.pk}", "1", "60"),  # the grant: funding, foundation
        (f"XX-REGISTRY-ORG-{need.organization_id}", "2", "10"),  # the need's government
    }
    assert activity.xpath("activity-status/@code") == ["2"]
    (transaction,) = activity.xpath("transaction")
    assert transaction.xpath("transaction-type/@code") == ["11"]
    assert transaction.xpath("value/@currency") == ["USD"]
    assert transaction.xpath("value/text()") == ["20000.00"]
    assert transaction.xpath("provider-org/narrative/text()") == ["Open Futures"]
    assert activity.xpath("recipient-country/@code") == ["KE"]
    assert activity.xpath("location/@ref") == ["KE-30"]
    assert activity.xpath("tag[@vocabulary='2']/@code") == ["4", "9"]
    assert activity.xpath("tag[@vocabulary='3']/@code") == ["4.4", "9.c"]
    # persons with disabilities are the only group: disability is the principal objective
    assert [(m.get("code"), m.get("significance")) for m in activity.xpath("policy-marker")] == [
        ("11", "2")
    ]
    indicator = activity.xpath("result/indicator")[0]
    assert indicator.xpath("baseline[not(dimension)]/@value") == ["4"]
    assert indicator.xpath("baseline[dimension/@value='rural']/@value") == ["1"]
    assert indicator.xpath("period/target/@value") == ["40"]
    assert indicator.xpath("period/actual[not(dimension)]/@value") == ["12"]
    assert indicator.xpath("period/actual/dimension[@name='sex']/@value") == ["female", "male"]
    assert "60 units of Laptops from Savanna Devices" in "".join(
        activity.xpath("description[@type='4']/narrative/text()")
    )


def test_anonymous_callers_read_partnerships_but_not_pipeline_proposals(setting, api):
    tree = activities(api)
    assert tree.xpath("//iati-identifier/text()") == [
        f"XX-REGISTRY-PARTNERSHIP-{setting['partnership'].pk}"
    ]


def test_coordinators_and_involved_organizations_read_accepted_proposals_as_pipeline(setting, api):
    pipeline = f"XX-REGISTRY-PROPOSAL-{setting['pipeline'].pk}"
    for user in (setting["coordinator"], setting["company_editor"]):
        tree = activities(client_for(user))
        assert pipeline in tree.xpath("//iati-identifier/text()")
        (activity,) = tree.xpath(f"//iati-activity[iati-identifier='{pipeline}']")
        assert activity.xpath("activity-status/@code") == ["1"]
    outsider = member(OrganizationFactory())
    assert pipeline not in activities(client_for(outsider)).xpath("//iati-identifier/text()")


def test_activities_are_filtered_by_organization_area_and_period(setting, api):
    coordinator = client_for(setting["coordinator"])
    donor_only = activities(coordinator, organization=setting["donor"].pk)
    assert len(donor_only.xpath("//iati-activity")) == 1
    uganda = activities(coordinator, area="UG")
    assert uganda.xpath("//iati-identifier/text()") == [
        f"XX-REGISTRY-PROPOSAL-{setting['pipeline'].pk}"
    ]
    assert len(activities(coordinator, area="ke").xpath("//iati-activity")) == 1
    response = coordinator.get(URL, {"period_end": "2001-01-01"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"area": "XX-99"}, "area"),
        ({"organization": "999999"}, "organization"),
        ({"period_start": "yesterday"}, "period_start"),
        ({"period_start": "2027-01-02", "period_end": "2027-01-01"}, "period_end"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_or_unknown_parameters_answer_400_problems(setting, api, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_schema_check_refuses_an_activity_without_its_required_elements():
    broken = (
        b'<iati-activities version="2.03"><iati-activity><title/></iati-activity></iati-activities>'
    )
    assert schema_errors(broken, ACTIVITIES) != []


def test_an_organisation_file_is_valid_and_hides_inactive_organizations(setting, api):
    company = setting["company"]
    response = api.get("/api/v1/exports/iati-organisation/", {"organization": company.pk})
    assert response.status_code == 200
    assert schema_errors(response.content, ORGANISATIONS) == []
    tree = parsed(response.content)
    assert tree.xpath("//organisation-identifier/text()") == ["KE-RCO-CPR2001"]
    assert tree.xpath("//iati-organisation/name/narrative/text()") == ["Savanna Devices"]
    company.is_active = False
    company.save(update_fields=["is_active"])
    hidden = api.get("/api/v1/exports/iati-organisation/", {"organization": company.pk})
    assert hidden.status_code == 404
    assert api.get("/api/v1/exports/iati-organisation/").status_code == 400
    assert Proposal.objects.filter(status=Proposal.Status.ACCEPTED).exists()


def test_control_characters_that_xml_cannot_carry_are_left_out_of_the_file(setting, api):
    need = setting["need"]
    need.title = "Labs\x0b for\x01 schools"
    need.save(update_fields=["title"])
    tree = activities(api, partnership=setting["partnership"].pk)
    assert tree.xpath("//iati-activity/title/narrative/text()") == ["Labs for schools"]
