"""Large imports in the background: a job stores the file, a real worker runs its dry run, the
uploader confirms it and the worker imports the same stored file in one transaction."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from interchange.models import ImportJob, ImportKey
from interchange.services import imports
from registry.models import Membership, Need, Offer
from tests.conftest import client_for, member
from tests.worker import WorkerProcess, running_worker, wait_for

OFFERS = "/api/v1/imports/offers/"
NEEDS = "/api/v1/imports/needs/"
OFFER_HEADER = "key,title,category,quantity,currency,areas,status"
NEED_HEADER = "key,title,area,deadline,priority,status,category,quantity,currency"


def offers_csv(rows: int, *, bad: int | None = None) -> SimpleUploadedFile:
    lines = [OFFER_HEADER]
    for n in range(rows):
        quantity = "-1" if n == bad else str(10 + n)
        lines.append(f"P-{n},Pledge {n},laptops,{quantity},,KE,draft")
    return SimpleUploadedFile("pledges.csv", ("\r\n".join(lines) + "\r\n").encode())


def needs_csv() -> SimpleUploadedFile:
    lines = [
        NEED_HEADER,
        "N-1,Devices for Trans Nzoia schools,KE-42,2027-06-30,4,open,laptops,40,",
        "N-1,,,,,,grant,25000,USD",
        "N-2,Trainers for Nandi,KE-32,2027-09-30,3,draft,trainer-days,60,",
    ]
    return SimpleUploadedFile("needs.csv", ("\r\n".join(lines) + "\r\n").encode())


@pytest.fixture
def worker(reference_data, settings):
    """A real worker on the configured broker, consuming a queue of its own."""
    with running_worker(settings) as process:
        yield process


def finished(client, url: str, worker: WorkerProcess) -> dict:
    """The job once its stage has finished (polled, with a deadline)."""
    seen: dict = {}

    def done() -> bool:
        seen.update(client.get(url).json())
        return seen["status"] in ("succeeded", "failed")

    wait_for(done, timeout=120, what=f"import job {url}", process=worker)
    return seen


def test_a_background_dry_run_then_its_confirmation_import_the_stored_file_once(
    worker, ngo, settings
):
    settings.IMPORT_SYNC_MAX_ROWS = 5
    editor = client_for(member(ngo, Membership.Role.EDITOR))
    # More rows than the threshold: the request only stores the file.
    response = editor.post(
        OFFERS, {"file": offers_csv(12), "organization": ngo.pk}, format="multipart"
    )
    assert response.status_code == 202, response.json()
    job = response.json()
    assert response["Location"] == job["url"] == f"/api/v1/imports/jobs/{job['id']}/"
    assert (job["stage"], job["rows"], job["kind"]) == ("dry_run", 12, "offers")
    dry = finished(editor, job["url"], worker)
    assert dry["status"] == "succeeded", dry
    assert dry["result"]["dry_run"] is True and dry["progress"] == 12
    assert dry["result"]["counts"] == {"create": 12, "update": 0, "unchanged": 0, "error": 0}
    assert Offer.objects.count() == 0 and ImportKey.objects.count() == 0

    confirmed = editor.post(dry["confirm_url"])
    assert confirmed.status_code == 202, confirmed.json()
    assert confirmed.json()["stage"] == "import" and confirmed.json()["confirm_url"] is None
    done = finished(editor, job["url"], worker)
    assert done["status"] == "succeeded", done
    assert done["result"]["imported"] is True and done["result"]["counts"]["create"] == 12
    offers = Offer.objects.filter(organization=ngo)
    assert offers.count() == 12
    assert sorted(row["record"] for row in done["result"]["rows"]) == sorted(
        offers.values_list("pk", flat=True)
    )
    # A job is imported once: confirming again is refused and writes nothing.
    assert editor.post(dry["confirm_url"]).status_code == 409
    assert Offer.objects.count() == 12

    # The same file again, asked for in the background although small, changes nothing.
    again = editor.post(
        OFFERS + "?async=1", {"file": offers_csv(12), "organization": ngo.pk}, format="multipart"
    )
    assert again.status_code == 202
    dry_again = finished(editor, again.json()["url"], worker)
    assert dry_again["result"]["counts"]["unchanged"] == 12
    stamps = dict(offers.values_list("pk", "updated_at"))
    assert editor.post(dry_again["confirm_url"]).status_code == 202
    done_again = finished(editor, again.json()["url"], worker)
    assert done_again["result"]["counts"]["unchanged"] == 12
    assert dict(offers.values_list("pk", "updated_at")) == stamps


def test_a_background_dry_run_with_errors_cannot_be_confirmed(worker, ngo, settings):
    settings.IMPORT_SYNC_MAX_ROWS = 5
    editor = client_for(member(ngo, Membership.Role.EDITOR))
    job = editor.post(
        OFFERS, {"file": offers_csv(8, bad=3), "organization": ngo.pk}, format="multipart"
    ).json()
    dry = finished(editor, job["url"], worker)
    assert dry["status"] == "succeeded" and dry["confirm_url"] is None
    assert dry["result"]["counts"]["error"] == 1
    [bad] = [row for row in dry["result"]["rows"] if row["outcome"] == "error"]
    assert bad["row"] == 5 and bad["errors"][0]["column"] == "quantity"
    refused = editor.post(f"{job['url']}confirm/")
    assert refused.status_code == 409
    assert ImportJob.objects.get(pk=job["id"]).stage == "dry_run"
    assert Offer.objects.count() == 0


def test_needs_import_in_the_background_as_in_a_request(worker, government, coordinator):
    coordinating = client_for(coordinator)
    response = coordinating.post(
        NEEDS + "?async=1", {"file": needs_csv(), "organization": government.pk}, format="multipart"
    )
    assert response.status_code == 202, response.json()
    dry = finished(coordinating, response.json()["url"], worker)
    assert [row["outcome"] for row in dry["result"]["rows"]] == ["create"] * 3
    assert coordinating.post(dry["confirm_url"]).status_code == 202
    done = finished(coordinating, response.json()["url"], worker)
    assert done["status"] == "succeeded", done
    assert Need.objects.filter(organization=government).count() == 2
    assert ImportKey.objects.filter(organization=government, kind="need").count() == 2


@pytest.mark.django_db
def test_a_job_is_seen_by_its_uploader_and_coordinators_and_confirmed_by_its_uploader(
    ngo, other_org, coordinator, settings
):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    uploader = member(ngo, Membership.Role.EDITOR)
    response = client_for(uploader).post(
        OFFERS + "?async=1", {"file": offers_csv(3), "organization": ngo.pk}, format="multipart"
    )
    url = response.json()["url"]
    assert client_for(uploader).get(url).status_code == 200
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(member(other_org)).get(url).status_code == 404
    assert client_for(member(other_org)).post(f"{url}confirm/").status_code == 404
    # Queued, not yet run: nothing to confirm.
    assert client_for(uploader).post(f"{url}confirm/").status_code == 409


@pytest.mark.django_db
def test_an_upload_for_an_organization_the_user_may_not_import_for_is_refused_at_once(
    ngo, other_org, settings
):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    outsider = client_for(member(other_org))
    response = outsider.post(
        OFFERS + "?async=1", {"file": offers_csv(3), "organization": ngo.pk}, format="multipart"
    )
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0
    bad_flag = outsider.post(
        OFFERS + "?async=yes", {"file": offers_csv(3), "organization": other_org.pk}
    )
    assert bad_flag.status_code == 400 and ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_running_a_job_twice_runs_its_stage_once(ngo, settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    editor = member(ngo, Membership.Role.EDITOR)
    content = offers_csv(4).read()
    job = imports.submit_import(
        actor=editor, kind="offers", organization=ngo, filename="p.csv", content=content, rows=4
    )
    job.stage = ImportJob.Stage.IMPORT
    job.save(update_fields=["stage"])
    first = imports.execute_import_job(job_id=job.pk)
    assert first.status == "succeeded" and Offer.objects.count() == 4
    assert bytes(ImportJob.objects.get(pk=job.pk).content) == b""  # only the report is kept
    finished_at = first.finished_at
    second = imports.execute_import_job(job_id=job.pk)
    assert second.finished_at == finished_at and Offer.objects.count() == 4


@pytest.mark.django_db
def test_a_jobs_report_is_in_the_language_its_uploader_used(ngo, settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    editor = member(ngo, Membership.Role.EDITOR)
    with translation.override("fr"):
        job = imports.submit_import(
            actor=editor,
            kind="offers",
            organization=ngo,
            filename="p.csv",
            content=offers_csv(3, bad=1).read(),
            rows=3,
        )
    done = imports.execute_import_job(job_id=job.pk)
    [bad] = [row for row in done.result["rows"] if row["errors"]]
    assert bad["errors"][0]["reason"] == "Doit être un nombre supérieur à zéro."


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_queued_again_and_then_runs_once(ngo, settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    editor = member(ngo, Membership.Role.EDITOR)
    job = imports.submit_import(
        actor=editor,
        kind="offers",
        organization=ngo,
        filename="p.csv",
        content=offers_csv(3).read(),
        rows=3,
    )
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_JOB_STALE_SECONDS + 5)
    # Its worker claimed it, then stopped reporting.
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=long_ago)
    fresh = imports.submit_import(
        actor=editor,
        kind="offers",
        organization=ngo,
        filename="p.csv",
        content=offers_csv(3).read(),
        rows=3,
    )
    ImportJob.objects.filter(pk=fresh.pk).update(status="running", heartbeat_at=timezone.now())
    assert imports.recover_stale_import_jobs() == [job.pk]
    assert ImportJob.objects.get(pk=job.pk).status == "queued"
    assert ImportJob.objects.get(pk=fresh.pk).status == "running"
    assert imports.execute_import_job(job_id=job.pk).status == "succeeded"
    assert imports.recover_stale_import_jobs() == []
