"""fixtures/check_demo.py checks the demo with the product's own validation and engine, and
leaves nothing behind."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from matching.models import MatchRun
from registry.models import Need, Offer, Organization

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo.json"

pytestmark = pytest.mark.django_db


def check_demo():
    spec = importlib.util.spec_from_file_location("check_demo", ROOT / "fixtures" / "check_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def nothing_written() -> bool:
    return not (
        Organization.objects.exists()
        or Offer.objects.exists()
        or Need.objects.exists()
        or MatchRun.objects.exists()
    )


def test_the_demo_as_shipped_passes_and_its_coverage_is_reported(settings):
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    report = check_demo().check(DEMO)
    assert report.errors == []
    open_needs = sum(
        1 for need in json.loads(DEMO.read_text())["needs"] if need["status"] == "open"
    )
    assert report.lines[0].startswith("per open need")
    assert len([line for line in report.lines if line.startswith("- ")]) <= open_needs
    assert " ok x" in "\n".join(report.lines)
    assert report.lines[-1].startswith("one run proposes for ")
    assert nothing_written()


def test_what_the_services_refuse_and_the_demos_conventions_are_errors(settings, tmp_path):
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    demo = json.loads(DEMO.read_text())
    demo["offers"][0]["areas"] = ["KE-99"]
    demo["users"][0]["email"] = "someone@elsewhere.com"
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo), encoding="utf-8")
    report = check_demo().check(path)
    assert len(report.errors) == 2 and report.lines == []
    assert "someone@elsewhere.com" in report.errors[0]
    assert "KE-99" in report.errors[1]
    assert nothing_written()
