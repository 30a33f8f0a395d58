"""Match runs: start one, watch its progress, read its metrics."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from matching.models import MatchRun
from matching.services import runs
from web.access import coordinator_required

FINISHED = (MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED)


@require_http_methods(["GET", "POST"])
@coordinator_required
def run_list(request):
    """The latest runs; POST starts a run over the whole catalogue."""
    if request.method == "POST":
        run = runs.request_match_run(trigger=MatchRun.Trigger.MANUAL, actor=request.user)
        messages.success(request, _("Matching run %(id)s is queued.") % {"id": run.pk})
        return redirect("web:run", run_id=run.pk)
    latest = MatchRun.objects.select_related("requested_by").order_by("-created_at", "-id")[:20]
    return render(request, "web/runs/list.html", {"runs": latest})


def _metric_rows(metrics: dict) -> list[tuple[str, object]]:
    """The metrics that are single values, by name; nested ones stay in the API."""
    return [
        (name.replace("_", " "), value)
        for name, value in sorted(metrics.items())
        if isinstance(value, int | float | str | bool)
    ]


@require_safe
@coordinator_required
def run_detail(request, run_id: int):
    """A run's stage and progress (the page polls itself while it runs), then its metrics."""
    run = get_object_or_404(MatchRun, pk=run_id)
    context = {
        "run": run,
        "finished": run.status in FINISHED,
        "metrics": _metric_rows(run.metrics or {}),
        "proposals": run.proposals.count(),
    }
    return render(request, "web/runs/detail.html", context)
