"""A Celery worker process for the workflow tests, bound to the test database."""

import pytest
from django.db import connection

from tests.worker import WorkerProcess


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real worker on the configured broker (Redis in CI), consuming a queue of its own."""
    worker = WorkerProcess(connection.settings_dict).start()
    settings.CELERY_TASK_DEFAULT_QUEUE = worker.queue
    try:
        yield worker
    finally:
        worker.stop()
