"""OpenAPI post-processing: describe the fields every resource shares."""

COMMON_DESCRIPTIONS = {
    "id": "Unique integer id.",
    "created_at": "When it was created.",
    "updated_at": "When it last changed.",
    "started_at": "When a worker started it.",
    "finished_at": "When it finished.",
    "submitted_at": "When it was submitted for review.",
    "reviewed_at": "When a coordinator reviewed it.",
    "partnership": "The partnership's id.",
    "count": "Total number of results.",
    "next": "URL of the next page, or null.",
    "previous": "URL of the previous page, or null.",
    "results": "The results on this page.",
}


def describe_common_fields(result, generator, request, public):
    """Give every undocumented shared property (ids, timestamps, pagination) a description."""
    for component in result.get("components", {}).get("schemas", {}).values():
        for name, spec in component.get("properties", {}).items():
            if "description" not in spec and name in COMMON_DESCRIPTIONS:
                spec["description"] = COMMON_DESCRIPTIONS[name]
    return result
