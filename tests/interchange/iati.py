"""Reading IATI files back in the tests: schema errors and the codes used, by codelist."""

from __future__ import annotations

from lxml import etree

from interchange.iati.codelists import codes
from interchange.iati.schema import ACTIVITIES, schema_errors

# codelist: XPath of the codes an activity file takes from it
CODED = {
    "Sector": "//sector[@vocabulary='1']/@code",
    "OrganisationRole": "//participating-org/@role",
    "OrganisationType": (
        "//participating-org/@type | //reporting-org/@type | //provider-org/@type"
        " | //receiver-org/@type"
    ),
    "ActivityStatus": "//activity-status/@code",
    "TransactionType": "//transaction-type/@code",
    "Currency": "//value/@currency",
    "UNSDG-Goals": "//tag[@vocabulary='2']/@code",
    "UNSDG-Targets": "//tag[@vocabulary='3']/@code",
    "PolicyMarker": "//policy-marker[@vocabulary='1']/@code",
}


def parsed(body: bytes) -> etree._Element:
    return etree.fromstring(body, etree.XMLParser(no_network=True, resolve_entities=False))


def codes_outside_codelists(tree: etree._Element) -> dict[str, set[str]]:
    """For each codelist, the codes the file uses that the codelist does not have."""
    outside = {}
    for codelist, path in CODED.items():
        unknown = {str(code) for code in tree.xpath(path)} - codes(codelist)
        if unknown:
            outside[codelist] = unknown
    return outside


def assert_valid_activities(body: bytes) -> etree._Element:
    """The file validates against the official schema and uses only codelist codes."""
    assert schema_errors(body, ACTIVITIES) == []
    tree = parsed(body)
    assert codes_outside_codelists(tree) == {}
    return tree
