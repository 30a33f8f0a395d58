"""The catalogue: who offers what, and who needs what."""

from registry.models.needs import Consultation, Endorsement, Need, NeedItem
from registry.models.offers import Offer
from registry.models.organizations import Membership, Organization
from registry.models.preferences import LanguagePreference
from registry.models.taxonomy import (
    Category,
    CurrencyRate,
    FocusArea,
    SdgGoal,
    SdgTarget,
    VulnerableGroup,
)

__all__ = [
    "Category",
    "Consultation",
    "CurrencyRate",
    "Endorsement",
    "FocusArea",
    "LanguagePreference",
    "Membership",
    "Need",
    "NeedItem",
    "Offer",
    "Organization",
    "SdgGoal",
    "SdgTarget",
    "VulnerableGroup",
]
