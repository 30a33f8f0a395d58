"""A catalogue change queues matching runs; the rule itself lives in the service."""

from django.conf import settings

from registry.signals import catalogue_changed


def on_catalogue_changed(sender, kind: str, object_id: int, change: str, **kwargs) -> None:
    if not settings.MATCH_ON_CATALOGUE_CHANGE:
        return
    from matching.services.runs import request_runs_for_change

    request_runs_for_change(kind=kind, object_id=object_id, change=change)


def connect() -> None:
    catalogue_changed.connect(on_catalogue_changed, dispatch_uid="matching.on_catalogue_changed")
