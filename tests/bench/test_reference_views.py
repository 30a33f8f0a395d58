"""The benchmark's reference views: served by its own URL configuration, never by the product's,
and answering the API's JSON."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve

from bench import naive, views
from tests.factories import OfferFactory

ROOT = Path(__file__).resolve().parents[2]
SEARCH = "area=KE-30&category=laptops&q=schools"


def test_the_products_urls_do_not_serve_the_reference_views():
    with pytest.raises(Resolver404):
        resolve("/bench/empty", urlconf="config.urls")


def test_the_benchmarks_urls_serve_the_product_and_the_reference_views():
    assert resolve("/bench/empty", urlconf="bench.urls").func is views.empty
    assert resolve("/bench/naive/offers/", urlconf="bench.urls").func.view_class is naive.Offers
    assert (
        resolve("/api/v1/offers/", urlconf="bench.urls").url_name
        == resolve("/api/v1/offers/", urlconf="config.urls").url_name
    )


def test_the_benchmarks_server_application_uses_its_own_urls():
    script = (
        "import bench.wsgi\n"
        "from django.urls import resolve\n"
        "print(resolve('/bench/empty').func.__module__, resolve('/healthz').url_name)\n"
    )
    # Run from the checkout (bench is not installed), with this process's environment.
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["bench.views", "healthz"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_the_naive_and_floor_offers_search_answer_the_apis_json(client, ngo):
    for areas, category, title in [
        (["KE-30"], "laptops", "Laptops for schools in Nakuru"),
        (["KE"], "laptops", "Laptops for schools across Kenya"),
        (["global"], "laptops", "Laptops for schools anywhere"),
        (["UG"], "laptops", "Laptops for schools in Uganda"),
        (["KE-30"], "laptops", "Refurbished tablets for clinics"),
    ]:
        OfferFactory(organization=ngo, areas=areas, category_id=category, title=title)
    api = client.get(f"/api/v1/offers/?{SEARCH}")
    assert api.status_code == 200
    assert api.json()["count"] == 3  # Uganda's offer and the clinics' are not found
    for reference in ("/bench/naive/offers/", "/bench/floor/offers/"):
        answer = client.get(f"{reference}?{SEARCH}")
        assert answer.status_code == 200
        # The envelope's links name the reference's own path; the offers are the API's.
        assert answer.json()["results"] == api.json()["results"], reference
        assert answer.json()["count"] == api.json()["count"]
