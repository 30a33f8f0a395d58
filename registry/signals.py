"""Domain events other apps react to; the registry never imports them.

`catalogue_changed` is sent after commit (the matching app queues a debounced run). The others are
sent inside the service's transaction, so that what depends on the record changes with it or not
at all: matching withdraws the proposals a retired need or offer carried, and forms the
partnerships that waited for an organization's verification.
"""

from django.dispatch import Signal

# Arguments: kind ("offer" or "need"), object_id, change ("published", "changed", "withdrawn", ...),
# actor (the user whose write it was, when known).
catalogue_changed = Signal()

# A need left the open statuses (cancelled, closed, back to draft). Arguments: need_id, actor, cause.
need_retired = Signal()

# An offer left `published` or was lowered. Arguments: offer_id, actor, cause, quantity (the new
# quantity when lowered, None when it is no longer published).
offer_retired = Signal()

# A coordinator verified an organization. Arguments: organization_id, actor.
organization_verified = Signal()
