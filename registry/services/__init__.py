"""The registry's writes: every state change of the catalogue goes through one of these."""

from registry.services.needs import cancel_need, create_need, endorse_need, update_need
from registry.services.offers import create_offer, update_offer, withdraw_offer
from registry.services.organizations import (
    add_member,
    create_organization,
    remove_member,
    update_organization,
    verify_organization,
)

__all__ = [
    "add_member",
    "cancel_need",
    "create_need",
    "create_offer",
    "create_organization",
    "endorse_need",
    "remove_member",
    "update_need",
    "update_offer",
    "update_organization",
    "verify_organization",
    "withdraw_offer",
]
