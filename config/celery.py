"""The Celery application: `celery -A config worker` and `celery -A config beat`."""

import gc
import importlib
import os
from multiprocessing import current_process

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["tasks"], related_name="matching")
app.autodiscover_tasks(["tasks"], related_name="notifications")
app.autodiscover_tasks(["tasks"], related_name="interchange")


@worker_process_init.connect
def allow_solver_processes(**_kwargs) -> None:
    """Let a pool process start the engine's processes for the regions of a large run.

    The prefork pool marks its processes daemonic, and multiprocessing refuses children to a
    daemonic process. The engine's processes live only inside one solve (a `with
    ProcessPoolExecutor` block) and are told by the kernel to exit if their parent dies
    (matching/engine/solve.py), so they can neither outlive the run nor the pool process.
    """
    # a private attribute of multiprocessing (no public way to unset it), not in its stubs
    current_process()._config["daemon"] = False  # type: ignore[attr-defined]


@worker_process_init.connect
def freeze_loaded_objects(**_kwargs) -> None:
    """Keep the loaded modules out of the garbage collector's full collections.

    A full collection walks every object of the loaded modules (Django, numpy, scipy: about 90 ms
    in a web process), a pause that would land inside a newly published need's run. The engine
    and the tasks' modules are imported first, so that they are frozen too.
    """
    for module in ("matching.engine", "matching.services.run_execution"):
        importlib.import_module(module)
    gc.freeze()
