"""A Celery worker process for the workflow tests, bound to the test database."""

import pytest

from tests.worker import running_worker


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real worker on the configured broker (Redis in CI), consuming a queue of its own."""
    with running_worker(settings) as worker:
        yield worker
