"""Domain events other apps may react to (the matching app queues a debounced run)."""

from django.dispatch import Signal

# Sent after commit when a published offer or an open need appears, changes or goes away.
# Arguments: kind ("offer" or "need"), object_id, change ("published", "changed", "withdrawn", ...).
catalogue_changed = Signal()
