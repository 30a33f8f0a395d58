"""The gap dashboard's charts and map, drawn on the server from `matching.statistics` (the same
reads as the API's `stats/coverage/`): each chart is a list of bars in SVG coordinates, and each
comes with the table of its numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from matching import statistics
from registry.area_codes import GLOBAL

MAP_STATIC = "web/world-map.svg"
MAP_FILE = Path(__file__).resolve().parent / "static" / MAP_STATIC
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
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
class FigureCells:
    """One figure of a row as the table shows it."""

    category_name: str
    unit: str
    needed: str
    reserved: str
    committed: str
    delivered: str


def quantity(value: Decimal) -> str:
    """As `floatformat:"-2g"` (two decimals only when needed, digits grouped in the active
    language's way), with zero, the most common figure, written without formatting it."""
    return "0" if not value else floatformat(value, "-2g")


def _cells(figure: statistics.Figure) -> FigureCells:
    return FigureCells(
        category_name=figure.category_name,
        unit=figure.unit,
        needed=quantity(figure.needed),
        reserved=quantity(figure.reserved),
        committed=quantity(figure.committed),
        delivered=quantity(figure.delivered),
    )


@dataclass(frozen=True)
class Bar:
    row: statistics.CoverageRow
    y: int
    segments: list[Segment]
    queue_filter: str  # the review queue's query string for this row, "" when none
    figures: list[FigureCells]

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
    bars: list[Bar]  # the rows, drawn and in the table
    height: int
    # Areas: the countries whose needs name a subdivision (their rows link to the drill-down).
    expandable: frozenset[str] = frozenset()
    countries: tuple[statistics.CoverageRow, ...] = ()  # areas: every country's row, for the map


def _bars(rows: list[statistics.CoverageRow], queue_parameter: str) -> list[Bar]:
    bars = []
    for index, row in enumerate(rows):
        x, segments = 0.0, []
        for state in ("delivered", "committed", "reserved"):
            width = round(row.shares[state] * CHART_WIDTH, 1)
            segments.append(Segment(state=state, x=x, width=width))
            x += width
        query = f"{queue_parameter}={row.key}" if queue_parameter and row.key != GLOBAL else ""
        figures = [_cells(figure) for figure in row.figure_list]
        bars.append(
            Bar(
                row=row,
                y=index * ROW_HEIGHT,
                segments=segments,
                queue_filter=query,
                figures=figures,
            )
        )
    return bars


COVERAGE_CACHE_KEY = "web:dashboard-coverage:v1:{language}"


def coverage_groupings() -> dict[str, statistics.Coverage]:
    """Every grouping the dashboard draws, kept `DASHBOARD_CACHE_SECONDS` in the shared cache per
    language (area names are localized); a change to the needs, their items or the commitments
    drops it (`web.apps`)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = COVERAGE_CACHE_KEY.format(language=translation.get_language() or settings.LANGUAGE_CODE)
    groupings = cache.get(key) if seconds else None
    if groupings is None:
        groupings = statistics.coverage_by(dimensions=[key for key, *_ in SECTIONS])
        if seconds:
            cache.set(key, groupings, seconds)
    return groupings


def drop_coverage_groupings() -> None:
    """Forget the cached figures in every language, now and again when the transaction commits
    (so that a view that read the old rows meanwhile does not keep them)."""
    keys = [COVERAGE_CACHE_KEY.format(language=code) for code, _name in settings.LANGUAGES]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def sections(*, area: str | None = None) -> list[Section]:
    """One chart and table per grouping, in the order the page shows them. Areas show countries
    (their subdivisions rolled up) and `global`; with `area` (a country's code), that country and
    each of its subdivisions instead."""
    result = []
    groupings = coverage_groupings()
    for key, title, column, queue_parameter in SECTIONS:
        rows = groupings[key].rows
        expandable = frozenset(row.parent for row in rows if row.parent)
        if key == "area":
            rows = (
                [row for row in rows if row.key == area or row.parent == area]
                if area
                else [row for row in rows if row.level != "subdivision"]
            )
        bars = _bars(rows, queue_parameter)
        result.append(
            Section(
                key=key,
                title=str(title),
                column=str(column),
                bars=bars,
                height=max(len(bars), 1) * ROW_HEIGHT,
                expandable=expandable,
                countries=tuple(row for row in groupings[key].rows if row.level == "country"),
            )
        )
    return result


@dataclass(frozen=True)
class WorldMap:
    width: int
    height: int
    href: str  # the static SVG and its element, drawn with <use>
    shading: str  # the page's style block: one custom property per country with needs
    legend: list[tuple[str, str]]


def shade(share: float | None) -> str:
    """The map's fill for a share of the gap closed (None: needs without a measured gap)."""
    if share is None:
        return UNMEASURED
    return SHADES[min(int(share * len(SHADES)), len(SHADES) - 1)]


@lru_cache(maxsize=1)
def _map_size() -> tuple[int, int]:
    header = MAP_FILE.read_text(encoding="utf-8")[:300]
    found = re.search(r'viewBox="0 0 (\d+) (\d+)"', header)
    assert found, MAP_FILE
    return int(found[1]), int(found[2])


def world_map(countries: tuple[statistics.CoverageRow, ...]) -> WorldMap:
    """Countries shaded by the share of the gap their needs closed (subdivisions rolled up).

    The geometry is a static file the browser caches (`web/maps/build_world_map.py` builds it);
    each country's path is filled with `var(--map-XX, white)`, so that this page sends only
    the few custom properties of the countries with needs."""
    width, height = _map_size()
    shading = ";".join(
        f"--map-{row.key}:{shade(row.gap_closed)}"
        for row in countries
        if row.level == "country" and COUNTRY_CODE.fullmatch(row.key)
    )
    steps = len(SHADES)
    legend = [
        (colour, f"{round(100 * i / steps)}–{round(100 * (i + 1) / steps)} %")
        for i, colour in enumerate(SHADES)
    ]
    return WorldMap(
        width=width,
        height=height,
        href=static(MAP_STATIC) + "#world",
        shading=f".registry-map{{{shading}}}" if shading else "",
        legend=legend,
    )
