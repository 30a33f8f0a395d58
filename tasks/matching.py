"""Celery tasks: thin wrappers that call one matching service each, safe to run twice.

Each runs inside a history context naming the task, so that database-trigger history records
which task made a change when there is no signed-in user.
"""

import pghistory
from celery import shared_task

from matching.services import reports, review, run_execution, runs


@shared_task(name="matching.execute_run", acks_late=True, reject_on_worker_lost=True)
def execute_run(run_id: int) -> str:
    """Execute a queued match run (claimed with a conditional update)."""
    with pghistory.context(task="matching.execute_run", run=run_id):
        return run_execution.execute_match_run(run_id=run_id).status


@shared_task(name="matching.scheduled_run", acks_late=True)
def scheduled_run() -> int:
    """Queue the periodic full run."""
    with pghistory.context(task="matching.scheduled_run"):
        return runs.request_match_run(trigger="scheduled").pk


@shared_task(name="matching.recover_stale_runs", acks_late=True)
def recover_stale_runs() -> list[int]:
    """Re-queue runs whose worker stopped reporting."""
    with pghistory.context(task="matching.recover_stale_runs"):
        return runs.recover_stale_runs()


@shared_task(name="matching.dispatch_queued_runs", acks_late=True)
def dispatch_queued_runs() -> list[int]:
    """Send again queued runs whose message was lost between commit and publish."""
    with pghistory.context(task="matching.dispatch_queued_runs"):
        return runs.dispatch_due_runs()


@shared_task(name="matching.flag_overdue_reports", acks_late=True)
def flag_overdue_reports() -> int:
    """Flag partnerships whose progress report is overdue."""
    with pghistory.context(task="matching.flag_overdue_reports"):
        return reports.flag_overdue_reports()


@shared_task(
    name="matching.expire_unanswered_proposals", acks_late=True, soft_time_limit=540, time_limit=600
)
def expire_unanswered_proposals() -> list[int]:
    """Release what partners or the need's organization left unanswered past `respond_by`."""
    with pghistory.context(task="matching.expire_unanswered_proposals"):
        return review.expire_unanswered_proposals()
