"""Disaggregated progress reports on the partnership page, and the need followed against its target."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from matching.models import ProgressReport
from matching.selectors import indicator_progress
from tests.web.scenario import TODAY, build_scenario
from tests.web.test_pages import formed, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    catalogue = build_scenario()
    need = catalogue.need
    need.indicator_disaggregation = {"area": {"rural": "4", "urban": "10"}}
    need.save(update_fields=["indicator_disaggregation"])
    return catalogue, formed(catalogue)


def test_a_partner_reports_each_group_and_the_page_shows_the_gap_closed(partnership):
    catalogue, formed_partnership = partnership
    url = f"/partnerships/{formed_partnership.pk}/"
    partner = signed_in(catalogue.ngo_editor)
    form = partner.get(url).content.decode()
    assert "area: rural" in form and "area: urban" in form
    refused = partner.post(
        url + "reports/",
        {"period_end": TODAY, "indicator_value": "30", "narrative": "x", "group_0_0": "-3"},
    )
    assert refused.status_code == 400
    assert b'href="#id_group_0_0"' in refused.content
    assert not ProgressReport.objects.exists()
    filed = {
        "period_end": TODAY,
        "indicator_value": "37",
        "narrative": "Labs in rural schools.",
        "group_0_0": "15",
        "group_0_1": "",
    }
    assert partner.post(url + "reports/", filed).status_code == 302
    report = ProgressReport.objects.get()
    assert report.disaggregation == {"area": {"rural": "15"}}
    coordinator = signed_in(catalogue.coordinator)
    assert coordinator.post(url + f"reports/{report.pk}/approve/").status_code == 302
    rows = {row["group"]: row for row in indicator_progress(report.partnership.need)}
    # A count: rural closed 11 of the 46 schools missing (24 %); urban was not measured.
    assert rows["rural"]["share"] == Decimal("0.2391")
    assert rows["urban"]["current"] is None and rows["urban"]["share"] is None
    page = signed_in(catalogue.government_editor).get(url).content.decode()
    assert "Share of the gap closed" in page
    assert "50%" in page  # everyone: 14 → 37 of 60
    assert "24%" in page  # rural


def test_a_group_outside_the_baseline_is_refused_by_the_service(partnership):
    from matching.services.reports import file_report
    from registry.errors import ValidationError

    catalogue, formed_partnership = partnership
    data = {
        "period_end": formed_partnership.formed_at.date(),
        "indicator_value": Decimal(20),
        "narrative": "x",
        "disaggregation": {"sex": {"female": "3"}},
    }
    with pytest.raises(ValidationError):
        file_report(
            actor=catalogue.ngo_editor, partnership=formed_partnership, data=data, submit=True
        )
    assert not ProgressReport.objects.exists()


def test_a_rate_has_the_target_for_every_group(partnership):
    catalogue, _formed = partnership
    need = catalogue.need
    need.indicator_unit = "%"
    need.indicator_baseline, need.indicator_target = Decimal(20), Decimal(60)
    need.indicator_disaggregation = {"sex": {"female": "10", "male": "30"}}
    need.indicator_current_disaggregation = {"sex": {"female": "35", "male": "30"}}
    rows = {row["group"]: row for row in indicator_progress(need)}
    assert rows["female"]["target"] == Decimal(60)
    assert rows["female"]["share"] == Decimal("0.5000")
    assert rows["male"]["share"] == Decimal("0.0000")
    assert Client().get(f"/partnerships/{_formed.pk}/").status_code == 200
