"""The console's page weight and server render time; prints one JSON object.

python -m bench.load --size L --supply 0.8 --seed 1 --database-url $URL --create   # the catalogue
python -m bench.console --database-url $URL [--match] [--requests 41] [--interleave]

Measured in this process through Django's full request handler (middleware, view, queries,
template, compression) with the test client, so the time is the server's alone, without network or
a WSGI server. `--match` first runs the engine once, in-process, when the database holds no
proposal. Weight: the page's gzip body as the server sends it, plus each stylesheet and script it
links, gzip-compressed as `collectstatic` stores them for whitenoise; a repeat visit fetches the
page alone (the assets are cached; on expiry whitenoise answers 304 without a body).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time

from bench.calibration import machine
from bench.database import setup_django

# Stylesheets, scripts, and SVG drawn with <use> (the dashboard's map), without the fragment.
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|use[^>]+href)="(/static/[^"#]+)')


def _asset_bytes(url: str) -> int:
    from django.contrib.staticfiles import finders

    path = finders.find(url.removeprefix("/static/"))
    with open(path, "rb") as asset:
        return len(gzip.compress(asset.read(), compresslevel=9))


def _get(client, url: str) -> tuple[tuple[float, float], object]:
    """One request: its wall time and this process's CPU time (ms), and the response."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    elapsed = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response


def _timings(client, pages: dict[str, str], requests: int, interleave: bool) -> dict:
    """Each page's timings and last response: page after page, or with `interleave` one request
    of each page in turn, so that a machine whose load changes weighs on every page alike."""
    for url in pages.values():
        for _ in range(3):  # warm the connection, the template cache and the database's buffers
            client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in pages}
    last: dict[str, object] = {}
    if interleave:
        for _ in range(requests):
            for name, url in pages.items():
                elapsed, last[name] = _get(client, url)
                timings[name].append(elapsed)
    else:
        for name, url in pages.items():
            for _ in range(requests):
                elapsed, last[name] = _get(client, url)
                timings[name].append(elapsed)
    return {name: (timings[name], last[name]) for name in pages}


def _measure(url: str, measured: list[tuple[float, float]], response) -> dict:
    body = response.content
    html = gzip.decompress(body).decode() if response.get("Content-Encoding") == "gzip" else body
    assets = {asset: _asset_bytes(asset) for asset in sorted(set(ASSET.findall(str(html))))}
    timings = sorted(wall for wall, _cpu in measured)
    return {
        "url": url,
        "render_ms_median": round(statistics.median(timings), 1),
        "render_ms_p90": round(timings[int(len(timings) * 0.9) - 1], 1),
        # The Python side alone (view, ORM, template, middleware), without waiting for the
        # database or for a CPU shared with other processes.
        "cpu_ms_median": round(statistics.median(cpu for _wall, cpu in measured), 1),
        "html_bytes_compressed": len(body),
        "html_bytes": len(html),
        "assets_bytes_compressed": assets,
        "first_visit_bytes": len(body) + sum(assets.values()),
        "repeat_visit_bytes": len(body),
    }


def _proposals(match: bool):
    from matching.models import Proposal
    from matching.services.run_execution import execute_match_run
    from matching.services.runs import request_match_run

    if match and not Proposal.objects.exists():
        run = request_match_run(trigger="manual", parameters={"seed": 1})
        execute_match_run(run_id=run.pk)
    return Proposal.objects.filter(status=Proposal.Status.PROPOSED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=41, help="timed requests per page")
    parser.add_argument("--match", action="store_true", help="run the engine if no proposal")
    parser.add_argument(
        "--pages", help="comma-separated names of the pages to measure (default: all)"
    )
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="one request of each page in turn rather than page after page",
    )
    arguments = parser.parse_args()
    setup_django(arguments.database_url, ALLOWED_HOSTS="testserver")

    from django.db.models import Count
    from django.test import Client

    from registry.models import Need, Offer
    from registry.services.accounts import make_coordinator

    proposals = _proposals(arguments.match)
    # The proposal a coordinator would find heaviest: the most lines (a coalition).
    heaviest = proposals.annotate(size=Count("lines")).order_by("-size", "pk").first()
    wanted = arguments.pages.split(",") if arguments.pages else None
    if heaviest is None and (
        wanted is None or {"queue", "queue_filtered", "proposal"} & set(wanted)
    ):
        raise SystemExit("No proposal to review: load a catalogue and pass --match.")
    user, _ = make_coordinator(username="bench-console")
    client = Client()
    client.force_login(user)
    pages = {
        "home": "/",  # the floor: session, user, layout, no list
        "queue": "/console/review/",
        "queue_filtered": "/console/review/?area=KE&category=laptops&q=schools",
        "proposal": f"/console/proposals/{heaviest.pk if heaviest else 0}/",
        "public_needs": "/needs/",
        "dashboard": "/dashboard/",  # five groupings, their tables and the map
        "dashboard_area": "/dashboard/?area=KE",  # one country's subdivisions
        "coverage_api": "/api/v1/stats/coverage/?by=area",
    }
    if wanted:
        unknown = set(wanted) - set(pages)
        if unknown:
            raise SystemExit(
                f"Unknown page(s): {', '.join(sorted(unknown))}; one of {', '.join(pages)}"
            )
        pages = {name: pages[name] for name in wanted}
    started = time.perf_counter()
    measured = _timings(client, pages, arguments.requests, arguments.interleave)
    results = {name: _measure(pages[name], *measured[name]) for name in pages}
    print(
        json.dumps(
            {
                "catalogue": {
                    "needs": Need.objects.count(),
                    "offers": Offer.objects.count(),
                    "proposals_waiting": proposals.count(),
                    "lines_of_the_proposal_measured": heaviest.size if heaviest else None,
                },
                "requests_per_page": arguments.requests,
                "interleaved": arguments.interleave,
                "pages": results,
                "seconds": round(time.perf_counter() - started, 1),
                "machine": machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
