"""Celery tasks: thin wrappers that call one matching service each, safe to run twice."""

from celery import shared_task

from matching.services import reports, runs


@shared_task(name="matching.execute_run", acks_late=True, reject_on_worker_lost=True)
def execute_run(run_id: int) -> str:
    """Execute a queued match run (claimed with a conditional update)."""
    return runs.execute_match_run(run_id=run_id).status


@shared_task(name="matching.scheduled_run", acks_late=True)
def scheduled_run() -> int:
    """Queue the periodic full run."""
    return runs.request_match_run(trigger="scheduled").pk


@shared_task(name="matching.recover_stale_runs", acks_late=True)
def recover_stale_runs() -> list[int]:
    """Re-queue runs whose worker stopped reporting."""
    return runs.recover_stale_runs()


@shared_task(name="matching.dispatch_queued_runs", acks_late=True)
def dispatch_queued_runs() -> list[int]:
    """Send again queued runs whose message was lost between commit and publish."""
    return runs.dispatch_due_runs()


@shared_task(name="matching.flag_overdue_reports", acks_late=True)
def flag_overdue_reports() -> int:
    """Flag partnerships whose progress report is overdue."""
    return reports.flag_overdue_reports()
