"""The web and worker processes keep what they load out of the garbage collector's full
collections (gc.freeze), so that a collection walking every module object does not pause a
request or a newly published need's run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.db import connection

from tests.worker import ROOT, database_url

CHECK = """
import gc, importlib, json, sys
{load}
tracked = {{id(thing) for thing in gc.get_objects()}}
loose = []
for name in sys.argv[1:]:
    module, attribute = name.split(":")
    if id(getattr(importlib.import_module(module), attribute)) in tracked:
        loose.append(name)
print(json.dumps({{"frozen": gc.get_freeze_count(), "loose": loose, "threshold": gc.get_threshold()}}))
"""


def _run(load: str, *names: str) -> dict:
    """How many objects a fresh process froze after `load` (`frozen`), which of `names`
    (module:attribute) the collector still tracks (`loose`: loaded after the freeze, or never
    frozen), and the collector's thresholds."""
    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    completed = subprocess.run(
        [sys.executable, "-c", CHECK.format(load=load), *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


def test_the_wsgi_application_freezes_django_and_every_view():
    report = _run(
        "import config.wsgi",
        "api.views.offers:OfferViewSet",
        "api.views.matching:ProposalViewSet",
        "django.db.models.query:QuerySet",
    )
    assert report["frozen"] > 50_000
    assert report["loose"] == []
    # the oldest generation is collected on every tenth young collection, not every hundredth
    assert report["threshold"][1:] == [10, 1]


def test_a_worker_process_freezes_the_engine_and_the_run_services():
    report = _run(
        "import django; django.setup()\n"
        "from config.celery import freeze_loaded_objects; freeze_loaded_objects()",
        "matching.engine.solve:solve",
        "matching.services.run_execution:execute_match_run",
        "scipy.optimize:milp",
    )
    assert report["frozen"] > 50_000
    assert report["loose"] == []
