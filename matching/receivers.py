"""A catalogue change queues a debounced matching run; the rule itself lives in the service."""

from django.conf import settings

from registry.signals import catalogue_changed


def on_catalogue_changed(sender, kind: str, object_id: int, change: str, **kwargs) -> None:
    if not settings.MATCH_ON_CATALOGUE_CHANGE:
        return
    from matching.services.runs import request_event_run

    request_event_run(reason=f"{kind} {object_id} {change}")


def connect() -> None:
    catalogue_changed.connect(on_catalogue_changed, dispatch_uid="matching.on_catalogue_changed")
