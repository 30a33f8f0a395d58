"""Build the gap dashboard's world map, `web/static/web/world-map.svg` (one SVG path per ISO 3166-1
alpha-2 country), from Natural Earth's 1:110m admin-0 countries as TopoJSON
(`countries-110m.topo.json`, from the world-atlas 2.0.2 package; see LICENSE in this folder).

The map is a static file, cached by the browser: the page draws it with `<use>` and shades each
country through a CSS custom property of its own (`--map-KE`), set in a small style block of
the page; a country the page names nothing for stays white.

Standard library and pycountry only. Projection: Equal Earth (Šavrič, Patterson & Jenny, 2018),
an equal-area projection, so that a country's shaded surface is in proportion to its land.

    .venv/bin/python web/maps/build_world_map.py
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pycountry

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "countries-110m.topo.json"
TARGET = HERE.parent / "static" / "web" / "world-map.svg"
MAP_ID = "world"
STROKE = "#505a5f"
NO_NEED = "#ffffff"
WIDTH = 800
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
# Natural Earth codes without an ISO 3166 numeric code: shown unshaded, never matched to data.
UNCODED = {"N. Cyprus", "Somaliland", "Kosovo"}


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indices: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def main() -> None:
    topology = json.loads(SOURCE.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    x_max, _ = equal_earth(180, 0)
    _, y_max = equal_earth(0, 90)
    scale = WIDTH / (2 * x_max)
    height = round(2 * y_max * scale)

    def point(longitude: float, latitude: float) -> tuple[int, int]:
        x, y = equal_earth(longitude, latitude)
        return round((x + x_max) * scale), round((y_max - y) * scale)

    countries: dict[str, str] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") is None:
            assert geometry["properties"]["name"] in UNCODED, geometry["properties"]
            continue
        country = pycountry.countries.get(numeric=geometry["id"])
        if country is None or country.alpha_2 == "AQ":  # no needs in Antarctica
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        parts = []
        for polygon in polygons:
            for indices in polygon:
                projected = []
                points = ring(arcs, indices)
                if any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(points)):
                    # A ring across the antimeridian (Chukotka, Fiji): drawn whole east of it,
                    # where the frame clips it, rather than as a line across the world.
                    points = [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points]
                for longitude, latitude in points:
                    xy = point(longitude, latitude)
                    if not projected or projected[-1] != xy:
                        projected.append(xy)
                if len(projected) < 3:
                    continue
                head, *tail = projected
                steps = " ".join(f"{x} {y}" for x, y in tail)
                parts.append(f"M{head[0]} {head[1]}L{steps}Z")
        if parts:
            countries[country.alpha_2] = countries.get(country.alpha_2, "") + "".join(parts)
    paths = "".join(
        f'<path style="fill:var(--map-{code},{NO_NEED})" d="{d}"/>'
        for code, d in sorted(countries.items())
    )
    TARGET.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">'
        "<!-- Natural Earth 1:110m admin-0 countries (public domain), via world-atlas 2.0.2;"
        " Equal Earth projection. Built by web/maps/build_world_map.py. -->"
        f'<g id="{MAP_ID}" stroke="{STROKE}" stroke-width="0.4">{paths}</g></svg>\n',
        encoding="utf-8",
    )
    print(f"{len(countries)} countries, {TARGET.stat().st_size} bytes -> {TARGET}")


if __name__ == "__main__":
    main()
