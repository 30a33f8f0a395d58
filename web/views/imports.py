"""Spreadsheet imports in the console: upload, the dry run's outcome row by row, confirm, result.

Every upload is stored as an import job (interchange.services.imports): its id is what the
confirm button posts, so the file is never asked for again. A small file's dry run and import run
in the request; a large one's on a worker, and the job's page follows its progress.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from interchange.imports.reading import UnreadableFile
from interchange.models import ImportJob
from interchange.services import imports
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models.visibility import is_coordinator
from web.import_forms import ImportForm

# A file's outcomes shown row by row up to this many; beyond it, the rows in error only.
ROWS_SHOWN = 500
KIND_NAMES = {
    ImportJob.Kind.OFFERS: "import-offers-template",
    ImportJob.Kind.NEEDS: "import-needs-template",
    ImportJob.Kind.ORGANIZATIONS: "import-organizations-template",
}


def _templates() -> list[dict[str, str]]:
    labels = {
        ImportJob.Kind.OFFERS: _("Offers"),
        ImportJob.Kind.NEEDS: _("Needs"),
        ImportJob.Kind.ORGANIZATIONS: _("Organizations"),
    }
    return [{"label": labels[kind], "url": reverse(name)} for kind, name in KIND_NAMES.items()]


@require_http_methods(["GET", "POST"])
@login_required
def upload(request):
    """The upload form; a valid file becomes a job whose dry run the next page shows."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        file = form.cleaned_data["file"]
        content = file.read()
        try:
            rows = imports.read_rows(kind=kind, content=content, filename=file.name)
            job = imports.submit_import(
                actor=request.user,
                kind=kind,
                organization=form.cleaned_data["organization"],
                filename=file.name,
                content=content,
                rows=len(rows),
                background=imports.runs_in_background(rows=len(rows), requested=False),
            )
        except UnreadableFile as error:
            form.add_error("file", str(error))
        except (PermissionDenied, ValidationError) as error:
            form.add_error("organization", " ".join(getattr(error, "messages", [str(error)])))
        else:
            return redirect("web:import-job", job_id=job.pk)
        form.style_fields()
    if request.method == "POST":
        status = 400
    context = {
        "form": form,
        "templates": _templates(),
        "is_coordinator": is_coordinator(request.user),
    }
    return render(request, "web/imports/upload.html", context, status=status)


def _job(request, job_id: int) -> ImportJob:
    try:
        return imports.visible_job(actor=request.user, job_id=job_id)
    except ImportJob.DoesNotExist as error:
        raise Http404 from error


def _outcome_labels() -> dict[str, str]:
    return {
        "create": _("New record"),
        "update": _("Update"),
        "unchanged": _("Unchanged"),
        "error": _("Error"),
    }


@require_safe
@login_required
def job_detail(request, job_id: int):
    """A job's stage and progress (the page polls itself while it runs), then its outcome."""
    job = _job(request, job_id)
    result = job.result or {}
    rows = result.get("rows", [])
    shown = rows if len(rows) <= ROWS_SHOWN else [r for r in rows if r["outcome"] == "error"]
    finished = job.status in imports.FINISHED
    confirmable = (
        job.stage == ImportJob.Stage.DRY_RUN
        and job.status == ImportJob.Status.SUCCEEDED
        and not result.get("counts", {}).get("error")
        and job.user_id == request.user.pk
    )
    labels = _outcome_labels()
    context = {
        "job": job,
        "finished": finished,
        "counts": [(labels[name], count) for name, count in result.get("counts", {}).items()],
        "rows": [{**row, "label": labels[row["outcome"]]} for row in shown[:ROWS_SHOWN]],
        "all_rows": len(shown) == len(rows),
        "errors_cut": len(shown) > ROWS_SHOWN,
        "confirmable": confirmable,
        "show_records": job.stage == ImportJob.Stage.IMPORT,
    }
    return render(request, "web/imports/job.html", context)


@require_POST
@login_required
def confirm(request, job_id: int):
    """Import the rows of a dry run, from the stored file (in the background when large)."""
    job = _job(request, job_id)
    try:
        imports.confirm_import(
            actor=request.user,
            job_id=job.pk,
            background=imports.runs_in_background(rows=job.rows, requested=False),
        )
    except (PermissionDenied, Conflict) as error:
        messages.error(request, str(error))
        return redirect("web:import-job", job_id=job.pk)
    return redirect("web:import-job", job_id=job.pk)
