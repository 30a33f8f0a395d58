"""Celery tasks of the spreadsheet imports: thin wrappers around interchange.services.imports."""

import pghistory
from celery import shared_task

from interchange.services import imports

# A 50,000-row file takes minutes; the default limit (CELERY_TASK_SOFT_TIME_LIMIT) is for
# shorter tasks.
SOFT_TIME_LIMIT = 3 * 3600


@shared_task(
    name=imports.EXECUTE_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=SOFT_TIME_LIMIT + 60,
)
def run_import_job(job_id: int) -> str:
    """Run a queued import job's dry run or import (claimed once: safe to run twice)."""
    with pghistory.context(task=imports.EXECUTE_TASK, import_job=job_id):
        return imports.execute_import_job(job_id=job_id).status


@shared_task(name="interchange.recover_stale_import_jobs", acks_late=True)
def recover_stale_import_jobs() -> list[int]:
    """Queue again import jobs whose worker died, send again those whose message was lost."""
    with pghistory.context(task="interchange.recover_stale_import_jobs"):
        return imports.recover_stale_import_jobs()
