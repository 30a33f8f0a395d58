"""The registry's events, answered by one matching service each (the rules live in the services).

catalogue_changed arrives after commit and queues runs; the others arrive inside the registry
service's transaction, so that proposals change with the need, offer or organization or not at all.
"""

from django.conf import settings

from registry.actors import Actor
from registry.signals import (
    catalogue_changed,
    need_retired,
    offer_retired,
    organization_verified,
)


def on_catalogue_changed(sender, kind: str, object_id: int, change: str, **kwargs) -> None:
    if not settings.MATCH_ON_CATALOGUE_CHANGE:
        return
    from matching.services.runs import request_runs_for_change

    request_runs_for_change(
        kind=kind, object_id=object_id, change=change, actor=kwargs.get("actor")
    )


def on_need_retired(sender, need_id: int, actor: Actor | None, cause: str, **kwargs) -> None:
    from matching.services.release import withdraw_proposals_of_need

    withdraw_proposals_of_need(need_id=need_id, actor=actor, cause=cause)


def on_offer_retired(
    sender, offer_id: int, actor: Actor | None, cause: str, quantity=None, **kwargs
) -> None:
    from matching.services.release import withdraw_proposals_of_offer

    withdraw_proposals_of_offer(offer_id=offer_id, actor=actor, cause=cause, quantity=quantity)


def on_organization_verified(sender, organization_id: int, actor: Actor | None, **kwargs) -> None:
    from matching.services.consent import form_held_proposals
    from matching.services.runs import request_event_run

    form_held_proposals(organization_id=organization_id, actor=actor)
    if settings.MATCH_ON_CATALOGUE_CHANGE:
        request_event_run(reason=f"organization {organization_id} verified")


def connect() -> None:
    catalogue_changed.connect(on_catalogue_changed, dispatch_uid="matching.on_catalogue_changed")
    need_retired.connect(on_need_retired, dispatch_uid="matching.on_need_retired")
    offer_retired.connect(on_offer_retired, dispatch_uid="matching.on_offer_retired")
    organization_verified.connect(
        on_organization_verified, dispatch_uid="matching.on_organization_verified"
    )
