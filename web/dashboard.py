"""The gap dashboard's charts and map, drawn on the server from `matching.statistics` (the same
reads as the API's `stats/coverage/`): each chart is a list of bars in SVG coordinates, and each
comes with the table of its numbers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from matching import statistics

MAP_FILE = Path(__file__).resolve().parent / "maps" / "world_map.json"
CHART_WIDTH = 600
BAR_HEIGHT = 16
ROW_HEIGHT = 44
# Sequential blues for the map, lightest (little closed) to darkest; each step is distinct
# in lightness, so that the shading reads without colour vision as well.
SHADES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
UNMEASURED = "#f3f2f1"
NO_NEED = "#ffffff"

SECTIONS = (
    ("area", _("By area"), _("Area"), "area"),
    ("category", _("By resource"), _("Resource"), "category"),
    ("vulnerable_group", _("By vulnerable group"), _("Vulnerable group"), "group"),
    ("focus_area", _("By focus area"), _("Focus area"), ""),
    ("sdg_target", _("By SDG target"), _("SDG target"), "sdg"),
)


@dataclass(frozen=True)
class Segment:
    state: str
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    row: statistics.CoverageRow
    y: int
    segments: list[Segment]
    queue_filter: str  # the review queue's query string for this row, "" when none

    @property
    def label(self) -> str:
        return (
            f"{self.row.name} ({self.row.key})" if self.row.name != self.row.key else self.row.key
        )

    @property
    def percents(self) -> dict[str, int]:
        return {state: round(share * 100) for state, share in self.row.shares.items()}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    column: str
    bars: list[Bar]  # every row, for the table
    chart: list[Bar]  # the rows drawn: areas draw countries and global, their table lists all
    height: int


def _bars(rows: list[statistics.CoverageRow], queue_parameter: str) -> list[Bar]:
    bars = []
    for index, row in enumerate(rows):
        x, segments = 0.0, []
        for state in ("delivered", "committed", "reserved"):
            width = round(row.shares[state] * CHART_WIDTH, 1)
            segments.append(Segment(state=state, x=x, width=width))
            x += width
        query = f"{queue_parameter}={row.key}" if queue_parameter and row.key != "global" else ""
        bars.append(Bar(row=row, y=index * ROW_HEIGHT, segments=segments, queue_filter=query))
    return bars


def sections() -> list[Section]:
    """One chart and table per grouping, in the order the page shows them."""
    result = []
    groupings = statistics.coverage_by(dimensions=[key for key, *_ in SECTIONS])
    for key, title, column, queue_parameter in SECTIONS:
        rows = groupings[key].rows
        drawn = [row for row in rows if row.level != "subdivision"]
        chart = _bars(drawn, queue_parameter)
        result.append(
            Section(
                key=key,
                title=str(title),
                column=str(column),
                bars=_bars(rows, queue_parameter),
                chart=chart,
                height=max(len(chart), 1) * ROW_HEIGHT,
            )
        )
    return result


@lru_cache(maxsize=1)
def _world() -> dict:
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Country:
    code: str
    path: str
    fill: str
    row: statistics.CoverageRow | None

    @property
    def gap_percent(self) -> int | None:
        share = self.row.gap_closed if self.row else None
        return None if share is None else round(share * 100)


def shade(share: float | None) -> str:
    """The map's fill for a share of the gap closed (None: needs without a measured gap)."""
    if share is None:
        return UNMEASURED
    return SHADES[min(int(share * len(SHADES)), len(SHADES) - 1)]


@dataclass(frozen=True)
class WorldMap:
    width: int
    height: int
    countries: list[Country]
    legend: list[tuple[str, str]]


def world_map(area_section: Section) -> WorldMap:
    """Countries shaded by the share of the gap their needs closed (subdivisions rolled up)."""
    by_country = {bar.row.key: bar.row for bar in area_section.bars if bar.row.level == "country"}
    world = _world()
    countries = []
    for code, path in world["countries"].items():
        row = by_country.get(code)
        fill = shade(row.gap_closed) if row else NO_NEED
        countries.append(Country(code=code, path=path, fill=fill, row=row))
    steps = len(SHADES)
    legend = [
        (colour, f"{round(100 * i / steps)}–{round(100 * (i + 1) / steps)} %")
        for i, colour in enumerate(SHADES)
    ]
    return WorldMap(
        width=world["width"], height=world["height"], countries=countries, legend=legend
    )
