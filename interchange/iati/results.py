"""A need's indicator as an IATI result: baseline, target, and the approved reports' actuals."""

from __future__ import annotations

import datetime

from lxml import etree

from interchange.iati import codes
from interchange.iati.elements import child, iso_date, number, with_narrative
from matching.models import ProgressReport
from registry.models import Need

PERCENT_UNITS = {"%", "percent", "per cent", "percentage"}


def result_element(
    parent: etree._Element,
    need: Need,
    reports: list[ProgressReport],
    start: datetime.date | None,
) -> etree._Element:
    """An outcome result with one indicator; each approved report is a period with its actual
    value, and each disaggregated value (sex, age band, ...) a further actual with a dimension."""
    result = child(parent, "result", type=codes.OUTCOME)
    with_narrative(result, "title", need.indicator_name)
    measure = (
        codes.PERCENTAGE_MEASURE
        if need.indicator_unit.strip().lower() in PERCENT_UNITS
        else codes.UNIT_MEASURE
    )
    ascending = None
    if need.indicator_baseline is not None and need.indicator_target is not None:
        ascending = "1" if need.indicator_target >= need.indicator_baseline else "0"
    indicator = child(result, "indicator", measure=measure, ascending=ascending)
    with_narrative(indicator, "title", need.indicator_name)
    about = " · ".join(part for part in (need.indicator_unit, need.indicator_source) if part)
    if about:
        with_narrative(indicator, "description", about)
    if need.indicator_baseline is not None:
        _baselines(indicator, need)
    _periods(indicator, need, reports, start)
    return result


def _baselines(indicator: etree._Element, need: Need) -> None:
    measured = need.indicator_date or need.created_at.date()
    date = {"year": measured.year, "iso_date": iso_date(measured)}
    child(indicator, "baseline", value=number(need.indicator_baseline), **date)
    for name, value, group in _disaggregated(need.indicator_disaggregation):
        baseline = child(indicator, "baseline", value=value, **date)
        child(baseline, "dimension", name=name, value=group)


def _periods(
    indicator: etree._Element,
    need: Need,
    reports: list[ProgressReport],
    start: datetime.date | None,
) -> None:
    target = None if need.indicator_target is None else number(need.indicator_target)
    if not reports:
        if target is not None and start and need.deadline and need.deadline >= start:
            period = _period(indicator, start, need.deadline)
            child(period, "target", value=target)
        return
    begins = start
    for report in sorted(reports, key=lambda report: (report.period_end, report.pk)):
        period_start = min(begins or report.period_end, report.period_end)
        period = _period(indicator, period_start, report.period_end)
        if target is not None:
            child(period, "target", value=target)
        child(period, "actual", value=number(report.indicator_value))
        for name, value, group in _disaggregated(report.disaggregation):
            actual = child(period, "actual", value=value)
            child(actual, "dimension", name=name, value=group)
        begins = report.period_end + datetime.timedelta(days=1)


def _period(indicator: etree._Element, start: datetime.date, end: datetime.date):
    period = child(indicator, "period")
    child(period, "period-start", iso_date=iso_date(start))
    child(period, "period-end", iso_date=iso_date(end))
    return period


def _disaggregated(values) -> list[tuple[str, str, str]]:
    """(dimension, value, group) of a {dimension: {group: value}} disaggregation, in order."""
    if not isinstance(values, dict):
        return []
    rows = []
    for name, groups in sorted(values.items()):
        if isinstance(groups, dict):
            rows.extend(
                (str(name), str(value), str(group)) for group, value in sorted(groups.items())
            )
    return rows
