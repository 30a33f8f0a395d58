"""Spreadsheet imports as the API, the console and the background jobs run them.

`import_rows` runs one kind's import (offers and needs through `import_by_organization`, so a
row may name its organization). A large upload, or one asked for in the background, is stored
as an ImportJob (`submit_import`) and run by a worker (`execute_import_job`, from
tasks/interchange.py): first its dry run, then, once its uploader confirms (`confirm_import`),
its import from the same stored file, with the same outcomes as a request would have.
"""

from __future__ import annotations

import datetime
import functools
import logging
from dataclasses import asdict
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from interchange.imports import needs as need_import
from interchange.imports import offers as offer_import
from interchange.imports import organizations as organization_import
from interchange.imports.by_organization import import_by_organization
from interchange.imports.engine import ERROR, ImportKind, ImportReport
from interchange.imports.progress import reporting
from interchange.imports.reading import Row, UnreadableFile, read_table
from interchange.models import ImportJob
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models import Organization
from registry.models.visibility import is_coordinator
from registry.services.permissions import importing_for

logger = logging.getLogger(__name__)

EXECUTE_TASK = "interchange.run_import_job"
KINDS: dict[str, ImportKind] = {
    ImportJob.Kind.OFFERS: offer_import.OFFERS,
    ImportJob.Kind.NEEDS: need_import.NEEDS,
    ImportJob.Kind.ORGANIZATIONS: organization_import.ORGANIZATIONS,
}
# How often a running job writes how many rows it has done.
PROGRESS_EVERY = 250
FINISHED = (ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED)


def read_rows(*, kind: str, content: bytes, filename: str) -> list[Row]:
    """The rows of an uploaded file for `kind`; UnreadableFile says why the file is refused."""
    sheet = KINDS[kind]
    return read_table(content=content, filename=filename, sheet=sheet.sheet, columns=sheet.columns)


def import_rows(
    *, kind: str, actor: User, organization: Organization | None, rows: list[Row], dry_run: bool
) -> ImportReport:
    """Import (or with `dry_run`, show the outcome of importing) `rows` of `kind`."""
    if kind == ImportJob.Kind.ORGANIZATIONS:
        return organization_import.import_organizations(actor=actor, rows=rows, dry_run=dry_run)
    run = offer_import.import_offers if kind == ImportJob.Kind.OFFERS else need_import.import_needs
    return import_by_organization(
        run=run, actor=actor, organization=organization, rows=rows, dry_run=dry_run
    )


def report_json(report: ImportReport) -> dict[str, Any]:
    """A report as the API and the jobs show it (no record ids in a dry run: none exist)."""
    return {
        "dry_run": report.dry_run,
        "imported": report.imported,
        "counts": report.counts(),
        "rows": [
            {**asdict(row), "record": None if report.dry_run else row.record} for row in report.rows
        ],
    }


def runs_in_background(*, rows: int, requested: bool) -> bool:
    """Whether an upload of `rows` rows is imported by a worker rather than in the request."""
    return requested or rows > settings.IMPORT_SYNC_MAX_ROWS


def check_may_import(*, actor: User, kind: str, organization: Organization | None) -> None:
    """Raise PermissionDenied (or ValidationError) now if the upload's organization is one
    the actor may not import for, rather than when the job runs."""
    if organization is None:
        if not actor.is_authenticated:
            raise PermissionDenied(_("Sign in to import."))
        return
    with importing_for(actor, organization):
        KINDS[kind].authorize(actor=actor, organization=organization)


@transaction.atomic
def submit_import(
    *,
    actor: User,
    kind: str,
    organization: Organization | None,
    filename: str,
    content: bytes,
    rows: int,
    background: bool = True,
) -> ImportJob:
    """Store an upload as a job and run its dry run: by a worker once this commits, or here
    and now when `background` is false (a small file the console shows at once)."""
    check_may_import(actor=actor, kind=kind, organization=organization)
    job = ImportJob.objects.create(
        kind=kind,
        organization=organization if kind != ImportJob.Kind.ORGANIZATIONS else None,
        user=actor,
        filename=filename[:255],
        content=content,
        rows=rows,
        language=translation.get_language() or "",
    )
    _start(job, background=background)
    return job


@transaction.atomic
def confirm_import(*, actor: User, job_id: int, background: bool = True) -> ImportJob:
    """Import the rows of a job whose dry run succeeded, from the file it stored."""
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.user_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file confirms its import."))
    if job.stage != ImportJob.Stage.DRY_RUN or job.status != ImportJob.Status.SUCCEEDED:
        raise Conflict(_("Only a finished dry run can be confirmed."), code="not_confirmable")
    if (job.result or {}).get("counts", {}).get(ERROR):
        raise Conflict(
            _("Rows have errors: correct the file and upload it again."), code="rows_have_errors"
        )
    job.stage, job.status, job.progress = ImportJob.Stage.IMPORT, ImportJob.Status.QUEUED, 0
    job.started_at = job.finished_at = None
    job.save(update_fields=["stage", "status", "progress", "started_at", "finished_at"])
    _start(job, background=background)
    return job


def visible_job(*, actor: User, job_id: int) -> ImportJob:
    """The job, if the actor uploaded it or coordinates; ImportJob.DoesNotExist otherwise."""
    jobs = ImportJob.objects.select_related("organization").defer("content")
    if not is_coordinator(actor):
        jobs = jobs.filter(user_id=actor.pk)
    return jobs.get(pk=job_id)


def _start(job: ImportJob, *, background: bool) -> None:
    if background:
        transaction.on_commit(lambda: send_execute(job.pk))
    else:
        _execute(job)


def send_execute(job_id: int) -> None:
    """Publish the task that runs a job's stage, on the configured queue."""
    current_app.send_task(EXECUTE_TASK, args=[job_id], queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def execute_import_job(*, job_id: int) -> ImportJob:
    """Run a queued job's stage (claimed with a conditional update: safe to run twice)."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now, progress=0
    )
    job = ImportJob.objects.get(pk=job_id)
    if claimed:
        # The report's reasons in the language the uploader read the page or API in.
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _execute(job, claimed=True)
    return job


def _execute(job: ImportJob, *, claimed: bool = False) -> None:
    if not claimed:
        job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
    dry_run = job.stage == ImportJob.Stage.DRY_RUN
    # A worker writes its progress through a connection of its own: the import's transaction
    # hides everything it writes until it ends. In a request (already in a transaction) the
    # page only shows the result, so nothing is written along the way.
    writer = _ProgressWriter(job.pk) if not connection.in_atomic_block else None
    try:
        rows = read_rows(kind=job.kind, content=bytes(job.content), filename=job.filename)
        with reporting(writer.report if writer else _ignore):
            report = import_rows(
                kind=job.kind,
                actor=job.user,
                organization=job.organization,
                rows=rows,
                dry_run=dry_run,
            )
    except UnreadableFile as error:
        _finish(job, ImportJob.Status.FAILED, error=str(error))
    except (PermissionDenied, ValidationError, Conflict) as error:
        reason = " ".join(getattr(error, "messages", None) or [str(error)])
        _finish(job, ImportJob.Status.FAILED, error=reason)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(job, ImportJob.Status.FAILED, error=_("The import stopped on an unexpected error."))
        raise
    else:
        result = report_json(report)
        failed = not dry_run and not report.imported
        _finish(
            job,
            ImportJob.Status.FAILED if failed else ImportJob.Status.SUCCEEDED,
            result=result,
            error=(
                _("%(count)s row(s) have errors; nothing was imported.")
                % {"count": result["counts"][ERROR]}
                if failed
                else ""
            ),
        )
    finally:
        if writer:
            writer.close()


def _ignore(done: int) -> None:
    return None


def _finish(
    job: ImportJob, status: str, *, result: dict[str, Any] | None = None, error: str = ""
) -> None:
    job.status, job.error, job.finished_at = status, error, timezone.now()
    if result is not None:
        job.result, job.progress = result, len(result["rows"])
    fields = ["status", "error", "result", "progress", "started_at", "finished_at"]
    if job.stage == ImportJob.Stage.IMPORT:
        # The file is not needed once imported (or refused): only its report is kept.
        job.content = b""
        fields.append("content")
    job.save(update_fields=fields)


class _ProgressWriter:
    """Writes a running job's row count, outside the import's transaction, now and then."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.connection = connections.create_connection("default")
        self.written = 0

    def report(self, done: int) -> None:
        if done - self.written < PROGRESS_EVERY:
            return
        self.written = done
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE interchange_importjob SET progress = %s, heartbeat_at = now() "
                "WHERE id = %s AND status = %s",
                [done, self.job_id, ImportJob.Status.RUNNING],
            )

    def close(self) -> None:
        self.connection.close()


def recover_stale_import_jobs() -> list[int]:
    """Queue again the jobs whose worker stopped reporting (it died: its stage's transaction was
    rolled back, so running the stage again is safe), and send again the jobs queued for longer
    than that (a message lost after commit; a job runs once whatever the messages)."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_JOB_STALE_SECONDS)
    recovered = []
    for job_id in ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING, heartbeat_at__lt=stale
    ).values_list("pk", flat=True):
        with transaction.atomic():
            updated = ImportJob.objects.filter(
                pk=job_id, status=ImportJob.Status.RUNNING, heartbeat_at__lt=stale
            ).update(status=ImportJob.Status.QUEUED, progress=0)
            if updated:
                transaction.on_commit(functools.partial(send_execute, job_id))
                recovered.append(job_id)
    for job_id in (
        ImportJob.objects.filter(status=ImportJob.Status.QUEUED, created_at__lt=stale)
        .exclude(pk__in=recovered)
        .values_list("pk", flat=True)
    ):
        send_execute(job_id)
        recovered.append(job_id)
    return recovered
