"""The console's import pages: upload, the dry run row by row, confirm from the stored file."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from interchange.models import ImportJob
from registry.models import Membership, Offer
from tests.conftest import member

pytestmark = pytest.mark.django_db
HEADER = "key,title,category,quantity,currency,areas,status"
GOOD = ["P-1,Laptops for libraries,laptops,40,,KE-30,draft", "P-2,Tablets,tablets,10,,UG,draft"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pledges(*lines: str, name: str = "pledges.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join([HEADER, *lines]) + "\r\n").encode())


def test_a_member_checks_a_file_then_imports_it_without_sending_it_again(ngo):
    client = signed_in(member(ngo, Membership.Role.EDITOR))
    page = client.get("/console/import/")
    assert page.status_code == 200
    assert b"/api/v1/imports/offers/template/?format=xlsx" in page.content
    checked = client.post(
        "/console/import/", {"kind": "offers", "organization": ngo.pk, "file": pledges(*GOOD)}
    )
    assert checked.status_code == 302
    job_url = checked["Location"]
    dry = client.get(job_url)
    assert dry.status_code == 200
    assert b"Laptops" not in dry.content  # rows show their key and outcome, not their cells
    assert dry.content.count(b"New record") == 3  # the count table and two rows
    assert Offer.objects.count() == 0
    confirm_url = re.search(rb'action="([^"]+/confirm/)"', dry.content).group(1).decode()
    done = client.post(confirm_url)
    assert done.status_code == 302 and done["Location"] == job_url
    assert Offer.objects.filter(organization=ngo).count() == 2
    result = client.get(job_url)
    assert b"Import these rows" not in result.content
    job = ImportJob.objects.get()
    assert (job.stage, job.status) == ("import", "succeeded")
    # Confirming once more is refused with its reason; nothing more is written.
    again = client.post(confirm_url, follow=True)
    assert b"Only a finished dry run can be confirmed." in again.content
    assert Offer.objects.count() == 2


def test_the_dry_run_shows_each_error_with_its_row_column_and_reason_and_no_confirm(ngo):
    client = signed_in(member(ngo, Membership.Role.EDITOR))
    bad = "P-3,Grant,grant,-5,,KE,draft"
    checked = client.post(
        "/console/import/",
        {"kind": "offers", "organization": ngo.pk, "file": pledges(*GOOD, bad)},
        follow=True,
    )
    assert b"Column quantity: Must be a number greater than zero." in checked.content
    assert b"Import these rows" not in checked.content
    job = ImportJob.objects.get()
    assert client.post(f"/console/import/jobs/{job.pk}/confirm/").status_code == 302
    assert Offer.objects.count() == 0


def test_an_unreadable_file_or_a_foreign_organization_is_refused_on_the_form(ngo, other_org):
    client = signed_in(member(other_org, Membership.Role.EDITOR))
    unreadable = client.post(
        "/console/import/",
        {"kind": "offers", "file": SimpleUploadedFile("pledges.pdf", b"%PDF")},
    )
    assert unreadable.status_code == 400
    assert b'href="#id_file"' in unreadable.content
    foreign = client.post(
        "/console/import/", {"kind": "offers", "organization": ngo.pk, "file": pledges(*GOOD)}
    )
    assert foreign.status_code == 400  # not among the organizations offered
    assert b'href="#id_organization"' in foreign.content
    assert ImportJob.objects.count() == 0


def test_a_large_file_goes_to_a_worker_and_its_page_shows_its_progress(ngo, settings):
    settings.IMPORT_SYNC_MAX_ROWS = 1
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    client = signed_in(member(ngo, Membership.Role.EDITOR))
    checked = client.post(
        "/console/import/",
        {"kind": "offers", "organization": ngo.pk, "file": pledges(*GOOD)},
        follow=True,
    )
    assert b"Waiting for a worker" in checked.content
    assert b"data-poll" in checked.content and b"0 of 2 rows" in checked.content
    assert ImportJob.objects.get().status == "queued"


def test_a_job_is_shown_to_its_uploader_and_coordinators_only(ngo, other_org, coordinator):
    uploader = signed_in(member(ngo, Membership.Role.EDITOR))
    uploader.post(
        "/console/import/", {"kind": "offers", "organization": ngo.pk, "file": pledges(*GOOD)}
    )
    url = f"/console/import/jobs/{ImportJob.objects.get().pk}/"
    assert signed_in(coordinator).get(url).status_code == 200
    assert signed_in(member(other_org)).get(url).status_code == 404
    assert signed_in(member(other_org)).post(f"{url}confirm/").status_code == 404


def test_a_file_larger_than_the_form_body_limit_is_uploaded(ngo, settings):
    """The console's upload has the API's upload limit (MAX_UPLOAD_BYTES), not the body limit."""
    long = "x" * 3000
    lines = [f"L-{n},Laptops {n},laptops,1,,KE,draft,{long}" for n in range(100)]
    content = "\r\n".join([HEADER + ",description", *lines]).encode()
    assert len(content) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    client = signed_in(member(ngo, Membership.Role.EDITOR))
    checked = client.post(
        "/console/import/",
        {"kind": "offers", "organization": ngo.pk, "file": SimpleUploadedFile("p.csv", content)},
    )
    assert checked.status_code == 302
    assert ImportJob.objects.get().result["counts"]["create"] == 100
