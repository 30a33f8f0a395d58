"""Results close the gap, over HTTP: report rules, the current indicator value, completing and
cancelling partnerships."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from matching.models import Commitment, Partnership, ProgressReport
from registry.models import Need, NeedItem
from tests.api.checks import field_errors, problem
from tests.conftest import client_for, member
from tests.factories import Coalition, coalition

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings) -> Coalition:
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    world = coalition()
    Need.objects.filter(pk=world.need.pk).update(
        indicator_name="Schools with a computer lab",
        indicator_unit="%",
        indicator_baseline=Decimal(20),
        indicator_target=Decimal(60),
        indicator_disaggregation={"area": {"urban": "30", "rural": "10"}},
    )
    client_for(world.coordinator).post(world.url("accept"))
    for user in (world.company, world.donor, world.government):
        assert client_for(user).post(world.url("confirm")).status_code == 200
    world.refresh()
    return world


def partnership_url(command: str = "") -> str:
    base = f"/api/v1/partnerships/{Partnership.objects.get().pk}/"
    return f"{base}{command}/" if command else base


def report(world: Coalition, **fields):
    body = {
        "period_end": timezone.localdate().isoformat(),
        "indicator_value": "40",
        "narrative": "Ten labs opened.",
        "submit": True,
        **fields,
    }
    return client_for(world.company).post(partnership_url("reports"), body, format="json")


def approve(world: Coalition, response) -> dict:
    assert response.status_code == 201, response.content
    url = f"{partnership_url('reports')}{response.json()['id']}/review/"
    reviewed = client_for(world.coordinator).post(url, {"approve": True}, format="json")
    assert reviewed.status_code == 200, reviewed.content
    return reviewed.json()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"period_end": "2099-01-01"}, "period_end"),
        ({"period_end": "2020-01-01"}, "period_end"),
        ({"indicator_value": "140"}, "indicator_value"),
        ({"indicator_value": "-1"}, "indicator_value"),
        ({"disaggregation": {"sex": {"female": "12"}}}, "disaggregation"),
        ({"disaggregation": {"area": {"peri-urban": "12"}}}, "disaggregation.area"),
        ({"disaggregation": {"area": {"urban": "101"}}}, "disaggregation.area.urban"),
    ],
)
def test_a_report_that_does_not_fit_the_indicator_is_refused(world, fields, field):
    assert field in field_errors(report(world, **fields))
    assert not ProgressReport.objects.exists()


def test_counts_may_exceed_a_hundred_but_not_go_negative(world):
    Need.objects.filter(pk=world.need.pk).update(indicator_unit="schools")
    assert report(world, indicator_value="140").status_code == 201
    assert "indicator_value" in field_errors(report(world, indicator_value="-3"))


def test_an_approved_report_sets_the_current_value_and_the_share_of_the_gap_closed(world, api):
    approve(world, report(world, disaggregation={"area": {"urban": "50", "rural": "30"}}))
    indicator = api.get(f"/api/v1/needs/{world.need.pk}/").json()["indicator"]
    assert (indicator["baseline"], indicator["current"], indicator["target"]) == (
        "20.0000",
        "40.0000",
        "60.0000",
    )
    assert indicator["gap_closed"] == "0.5000"
    assert indicator["current_disaggregation"] == {"area": {"urban": "50", "rural": "30"}}
    listed = api.get("/api/v1/needs/?status=met").json()["results"]
    assert [row["indicator"]["gap_closed"] for row in listed if row["id"] == world.need.pk] == [
        "0.5000"
    ]


def test_next_report_due_moves_at_most_one_period_past_the_reported_period(world):
    today = timezone.localdate()
    for _ in range(3):
        approve(world, report(world))
    partnership = Partnership.objects.get()
    assert partnership.next_report_due == max(
        today + datetime.timedelta(days=90), partnership.formed_at.date()
    )


def test_a_coordinator_in_a_partner_organization_cannot_approve_its_reports(world):
    filed = report(world)
    insider = member(world.laptops.organization, username="coordinator.at.company")
    insider.groups.add(*world.coordinator.groups.all())
    url = f"{partnership_url('reports')}{filed.json()['id']}/review/"
    response = client_for(insider).post(url, {"approve": True}, format="json")
    assert response.status_code == 403
    assert "Conflict of interest" in response.json()["detail"]
    assert ProgressReport.objects.get().status == "submitted"


def test_completing_needs_an_approved_final_report(world):
    client = client_for(world.coordinator)
    assert problem(client.post(partnership_url("complete")), 409)["code"] == "final_report_missing"
    assert client_for(world.company).post(partnership_url("complete")).status_code == 403


def test_reaching_the_target_closes_the_need_as_met(world):
    approve(world, report(world, indicator_value="60"))
    response = client_for(world.coordinator).post(partnership_url("complete"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["reached_target"]) == ("completed", True)
    world.refresh()
    assert world.need.status == Need.Status.MET
    assert set(Commitment.objects.values_list("state", flat=True)) == {"delivered"}


def test_completing_short_of_the_target_reopens_the_remaining_gap(world):
    approve(world, report(world, indicator_value="30"))
    response = client_for(world.coordinator).post(
        partnership_url("complete"), {"reason": "Funding cycle over"}, format="json"
    )
    assert response.json()["reached_target"] is False
    world.refresh()
    assert world.need.status == Need.Status.OPEN
    assert set(NeedItem.objects.filter(need=world.need).values_list("committed", flat=True)) == {
        Decimal(0)
    }
    # the offers gave what they gave: it stays spent
    assert world.laptops.committed == 60
    again = client_for(world.coordinator).post(partnership_url("complete"))
    assert problem(again, 409)["code"] == "not_active"


def test_cancelling_a_partnership_needs_a_reason_and_releases_what_was_not_delivered(world):
    client = client_for(world.coordinator)
    assert "reason" in field_errors(client.post(partnership_url("cancel"), {}, format="json"))
    response = client.post(partnership_url("cancel"), {"reason": "Partner left"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    world.refresh()
    assert (world.laptops.committed, world.grant.committed) == (0, 0)
    assert world.need.status == Need.Status.OPEN
    assert set(Commitment.objects.values_list("state", flat=True)) == {"released"}
