"""The Celery application: `celery -A config worker` and `celery -A config beat`."""

import os
from multiprocessing import current_process

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["tasks"], related_name="matching")


@worker_process_init.connect
def allow_solver_processes(**_kwargs) -> None:
    """Let a pool process start the engine's processes for the regions of a large run.

    The prefork pool marks its processes daemonic, and multiprocessing refuses children to a
    daemonic process. The engine's processes live only inside one solve (a `with
    ProcessPoolExecutor` block) and are told by the kernel to exit if their parent dies
    (matching/engine/solve.py), so they can neither outlive the run nor the pool process.
    """
    current_process()._config["daemon"] = False
