"""How far an import has gone, for a background job to show while it runs.

The engine calls `advance()` once a row is done; outside `reporting(...)` that does nothing. A
job's rows are imported inside one transaction, so what they write is invisible until the end:
the count is handed to a callback that writes it elsewhere (see interchange.services.imports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_REPORT: ContextVar[Callable[[int], None] | None] = ContextVar("import_progress", default=None)


@contextmanager
def reporting(callback: Callable[[int], None]) -> Iterator[None]:
    """Within this block, `advance(n)` hands `callback` the rows done so far."""
    done = [0]

    def report(rows: int) -> None:
        done[0] += rows
        callback(done[0])

    token = _REPORT.set(report)
    try:
        yield
    finally:
        _REPORT.reset(token)


def advance(rows: int = 1) -> None:
    """`rows` more rows are done."""
    report = _REPORT.get()
    if report is not None:
        report(rows)
