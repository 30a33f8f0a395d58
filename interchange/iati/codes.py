"""The IATI codes the registry's activity files use, each from a codelist in interchange/codelists/.

tests/interchange/test_iati_codes.py checks every constant here against those files.
"""

from __future__ import annotations

from matching.models import Partnership

IATI_VERSION = "2.03"

# ActivityStatus
PIPELINE = "1"
ACTIVITY_STATUS = {
    Partnership.Status.ACTIVE: "2",  # Implementation
    Partnership.Status.COMPLETED: "4",  # Closed
    Partnership.Status.CANCELLED: "5",  # Cancelled
}

# TransactionType: money a funding partner commits to the activity, or (before every partner
# has confirmed) pledges.
INCOMING_COMMITMENT = "11"
INCOMING_PLEDGE = "13"

# Sector (OECD DAC 5-digit purpose codes) of each focus area; an activity whose need names no
# focus area is reported under ICT.
SECTOR_VOCABULARY = "1"
ICT = "22040"
SECTOR_OF_FOCUS_AREA = {
    "connectivity": "22020",  # Telecommunications
    "affordability": "22011",  # Communications policy, planning and administration
    "devices": ICT,
    "digital-skills": "11330",  # Vocational training
    "accessible-services": ICT,
    "online-safety": "22011",
    "local-content-and-languages": "22013",  # Information services
    "digital-public-services": "15110",  # Public sector policy and administrative management
    "public-sector-capacity": "15110",
    "data-protection-and-privacy": "22011",
    "digital-financial-inclusion": "24030",  # Formal sector financial intermediaries
    "digital-livelihoods": "16020",  # Employment creation
}

# PolicyMarker (vocabulary 1, OECD DAC CRS) and its significance (PolicySignificance):
# 2 = principal objective, 1 = significant objective.
POLICY_MARKER_VOCABULARY = "1"
DISABILITY = "11"
GENDER_EQUALITY = "1"
PRINCIPAL, SIGNIFICANT = "2", "1"
POLICY_MARKER_OF_GROUP = {
    "persons-with-disabilities": DISABILITY,
    "women-and-girls": GENDER_EQUALITY,
}

# TagVocabulary: 2 = UN Sustainable Development Goals, 3 = their targets.
SDG_GOAL_VOCABULARY = "2"
SDG_TARGET_VOCABULARY = "3"

# ActivityDateType, DescriptionType, ResultType, IndicatorMeasure (IATI-Codelists, embedded).
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
GENERAL, TARGET_GROUPS, OTHER = "1", "3", "4"
OUTCOME = "2"
UNIT_MEASURE, PERCENTAGE_MEASURE = "1", "2"
