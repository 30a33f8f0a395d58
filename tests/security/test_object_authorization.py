"""Object-level authorization: every operation of the OpenAPI schema, by role and by record.

Each row is one operation on one target record; its columns are the status each role gets. Roles
are relative to the organization owning the record (see tests/security/world.py), so "own" is the
owner_* columns and "another organization's" is other_member, government_member and
community_member. Targets: `public` and `private` records of the owner (published/draft offer,
open/draft need, active/inactive organization, approved/unapproved report), `proposed` and
`accepted` proposals, `-` for collections. Another organization's private record answers 404.
A new route or method in the schema without rows here fails the first test.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.api.checks import problem
from tests.factories import ROLES
from tests.security.routes import (
    OPERATIONS,
    call,
    database_state,
    schema_operations,
    target_record,
)

pytestmark = pytest.mark.django_db

# path, method, target, then the status for:
#   anonymous, owner_viewer, owner_editor, owner_admin, other_member, government_member,
#   community_member, coordinator
MATRIX = [
    ("/api/v1/auth/register/", "post", "-", 201, 201, 201, 201, 201, 201, 201, 201),
    ("/api/v1/auth/token/", "post", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    # the matrix signs in without a token; tests/api/test_tokens.py signs out with one
    ("/api/v1/auth/logout/", "post", "-", 401, 403, 403, 403, 403, 403, 403, 403),
    ("/api/v1/auth/logout-all/", "post", "-", 401, 403, 403, 403, 403, 403, 403, 403),
    ("/api/v1/auth/password/", "post", "-", 401, 204, 204, 204, 204, 204, 204, 204),
    ("/api/v1/exports/iati-activities/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/exports/iati-organisation/", "get", "-", 400, 400, 400, 400, 400, 400, 400, 400),
    ("/api/v1/exports/hxl/offers/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/exports/hxl/needs/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/exports/hxl/partnerships/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/exports/hsds/organizations/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/exports/lists/{name}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/exports/lists/{name}/", "get", "private", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/imports/offers/", "post", "-", 401, 415, 415, 415, 415, 415, 415, 415),
    ("/api/v1/imports/offers/template/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/imports/needs/", "post", "-", 401, 415, 415, 415, 415, 415, 415, 415),
    ("/api/v1/imports/needs/template/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/imports/organizations/", "post", "-", 401, 415, 415, 415, 415, 415, 415, 415),
    ("/api/v1/imports/organizations/template/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    # a background import: its uploader (ngo.editor) and coordinators see it, its uploader alone
    # confirms it (not yet run here: 409)
    ("/api/v1/imports/jobs/{job_id}/", "get", "private", 401, 404, 200, 404, 404, 404, 404, 200),
    (
        "/api/v1/imports/jobs/{job_id}/confirm/",
        "post",
        "private",
        *(401, 404, 409, 404, 404, 404, 404, 403),
    ),
    ("/api/v1/match-runs/", "get", "-", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/match-runs/", "post", "-", 401, 403, 403, 403, 403, 403, 403, 202),
    ("/api/v1/match-runs/{id}/", "get", "private", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/match-runs/{id}/history/", "get", "private", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/needs/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/needs/", "post", "-", 401, 403, 201, 201, 403, 403, 403, 403),
    ("/api/v1/needs/{id}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/needs/{id}/", "get", "private", 404, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/needs/{id}/", "patch", "public", 401, 403, 200, 200, 403, 403, 403, 403),
    ("/api/v1/needs/{id}/", "patch", "private", 401, 403, 200, 200, 404, 404, 404, 403),
    ("/api/v1/needs/{id}/", "delete", "public", 401, 403, 204, 204, 403, 403, 403, 403),
    ("/api/v1/needs/{id}/", "delete", "private", 401, 403, 204, 204, 404, 404, 404, 403),
    ("/api/v1/needs/{id}/endorsements/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/needs/{id}/endorsements/", "get", "private", 404, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/needs/{id}/endorsements/", "post", "public", 401, 403, 403, 403, 403, 403, 201, 403),
    ("/api/v1/needs/{id}/endorsements/", "post", "private", 401, 403, 403, 403, 404, 404, 404, 403),
    ("/api/v1/notifications/", "get", "-", 401, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/notifications/preferences/", "get", "-", 401, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/notifications/preferences/", "patch", "-", 401, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/notifications/{id}/read/", "post", "private", 401, 404, 200, 404, 404, 404, 404, 404),
    # an organization's webhooks are its admins'; a coordinator's hear every event
    ("/api/v1/webhooks/", "get", "-", 401, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/webhooks/", "post", "-", 401, 403, 403, 201, 403, 403, 403, 403),
    ("/api/v1/webhooks/{id}/", "delete", "private", 401, 404, 404, 204, 404, 404, 404, 404),
    ("/api/v1/webhooks/{id}/deliveries/", "get", "private", 401, 404, 404, 200, 404, 404, 404, 404),
    ("/api/v1/offers/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/offers/", "post", "-", 401, 403, 201, 201, 403, 403, 403, 403),
    ("/api/v1/offers/{id}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/offers/{id}/", "get", "private", 404, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/offers/{id}/", "patch", "public", 401, 403, 200, 200, 403, 403, 403, 403),
    ("/api/v1/offers/{id}/", "patch", "private", 401, 403, 200, 200, 404, 404, 404, 403),
    ("/api/v1/offers/{id}/", "delete", "public", 401, 403, 204, 204, 403, 403, 403, 403),
    ("/api/v1/offers/{id}/", "delete", "private", 401, 403, 204, 204, 404, 404, 404, 403),
    ("/api/v1/organizations/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/organizations/", "post", "-", 401, 201, 201, 201, 201, 201, 201, 201),
    ("/api/v1/organizations/{id}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/organizations/{id}/", "get", "private", 404, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/organizations/{id}/", "patch", "public", 401, 403, 200, 200, 403, 403, 403, 403),
    ("/api/v1/organizations/{id}/", "patch", "private", 401, 403, 200, 200, 404, 404, 404, 403),
    ("/api/v1/organizations/{id}/members/", "get", "public", 401, 200, 200, 200, 403, 403, 403, 200),
    ("/api/v1/organizations/{id}/members/", "get", "private", 401, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/organizations/{id}/members/", "post", "public", 401, 403, 403, 201, 403, 403, 403, 403),
    ("/api/v1/organizations/{id}/members/", "post", "private", 401, 403, 403, 201, 404, 404, 404, 403),
    ("/api/v1/organizations/{id}/members/{user_id}/", "delete", "public", 401, 403, 403, 204, 403, 403, 403, 403),
    ("/api/v1/organizations/{id}/members/{user_id}/", "delete", "private", 401, 403, 403, 204, 404, 404, 404, 403),
    ("/api/v1/organizations/{id}/verify/", "post", "public", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/organizations/{id}/verify/", "post", "private", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/organizations/duplicates/", "get", "-", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/organizations/{id}/merge/", "post", "public", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/organizations/{id}/merge/", "post", "private", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/partnerships/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/partnerships/{id}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/partnerships/{id}/history/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/partnerships/{id}/complete/", "post", "public", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/partnerships/{id}/cancel/", "post", "public", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/partnerships/{id}/reports/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/partnerships/{id}/reports/", "post", "public", 401, 403, 201, 201, 403, 403, 403, 403),
    ("/api/v1/partnerships/{id}/reports/{report_id}/review/", "post", "public", 401, 403, 403, 403, 403, 403, 403, 200),
    ("/api/v1/partnerships/{id}/reports/{report_id}/review/", "post", "private", 401, 403, 403, 403, 404, 404, 404, 200),
    ("/api/v1/partnerships/{id}/reports/{report_id}/comments/", "get", "public", 401, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/partnerships/{id}/reports/{report_id}/comments/", "get", "private", 401, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/partnerships/{id}/reports/{report_id}/comments/", "post", "public", 401, 201, 201, 201, 404, 404, 404, 201),
    ("/api/v1/partnerships/{id}/reports/{report_id}/comments/", "post", "private", 401, 201, 201, 201, 404, 404, 404, 201),
    ("/api/v1/partnerships/{id}/reports/{report_id}/submit/", "post", "public", 401, 403, 409, 409, 403, 403, 403, 403),
    ("/api/v1/partnerships/{id}/reports/{report_id}/submit/", "post", "private", 401, 403, 200, 200, 404, 404, 404, 403),
    ("/api/v1/proposals/", "get", "-", 401, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/proposals/{id}/", "get", "proposed", 401, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/", "get", "accepted", 401, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/history/", "get", "proposed", 401, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/history/", "get", "accepted", 401, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/comments/", "get", "proposed", 401, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/comments/", "get", "accepted", 401, 200, 200, 200, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/comments/", "post", "proposed", 401, 201, 201, 201, 404, 404, 404, 201),
    ("/api/v1/proposals/{id}/comments/", "post", "accepted", 401, 201, 201, 201, 404, 404, 404, 201),
    ("/api/v1/proposals/{id}/accept/", "post", "proposed", 401, 403, 403, 403, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/accept/", "post", "accepted", 401, 403, 403, 403, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/reject/", "post", "proposed", 401, 403, 403, 403, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/reject/", "post", "accepted", 401, 403, 403, 403, 404, 404, 404, 409),
    ("/api/v1/proposals/{id}/revoke/", "post", "proposed", 401, 403, 403, 403, 404, 404, 404, 409),
    ("/api/v1/proposals/{id}/revoke/", "post", "accepted", 401, 403, 403, 403, 404, 404, 404, 200),
    ("/api/v1/proposals/{id}/confirm/", "post", "proposed", 401, 409, 409, 409, 404, 404, 404, 409),
    ("/api/v1/proposals/{id}/confirm/", "post", "accepted", 401, 403, 200, 200, 404, 404, 404, 403),
    ("/api/v1/proposals/{id}/decline/", "post", "proposed", 401, 409, 409, 409, 404, 404, 404, 409),
    ("/api/v1/proposals/{id}/decline/", "post", "accepted", 401, 403, 200, 200, 404, 404, 404, 403),
    ("/api/v1/stats/coverage/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/categories/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/categories/{slug}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/focus-areas/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/focus-areas/{slug}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/sdg-goals/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/sdg-goals/{goal}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/sdg-targets/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/sdg-targets/{code}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/vulnerable-groups/", "get", "-", 200, 200, 200, 200, 200, 200, 200, 200),
    ("/api/v1/taxonomy/vulnerable-groups/{slug}/", "get", "public", 200, 200, 200, 200, 200, 200, 200, 200),
]  # fmt: skip
CELLS = [
    (path, method, target, role, status)
    for path, method, target, *statuses in MATRIX
    for role, status in zip(ROLES, statuses, strict=True)
]


def test_every_operation_of_the_schema_has_a_row_for_each_of_its_targets():
    rows = Counter((path, method, target) for path, method, target, *_ in MATRIX)
    assert [row for row, count in rows.items() if count > 1] == []
    in_matrix = {(path, method) for path, method, _target in rows}
    assert sorted(schema_operations() - in_matrix) == [], "operations without rows"
    assert sorted(in_matrix - schema_operations()) == [], "rows for operations the schema lacks"
    for (path, method), operation in OPERATIONS.items():
        targets = {
            target
            for row_path, row_method, target in rows
            if (row_path, row_method) == (path, method)
        }
        assert targets == set(operation.targets), (path, method)


def test_another_organizations_private_records_answer_404_never_403():
    for path, method, target, role, status in CELLS:
        if target == "private" and role in ("other_member", "community_member") and "{id}" in path:
            assert status in (401, 403, 404), (path, method)
            coordinators_only = (
                "/api/v1/match-runs/",
                "/api/v1/organizations/{id}/verify/",
                "/api/v1/organizations/{id}/merge/",
            )
            if not path.startswith(coordinators_only):
                assert status == 404, (path, method, role)


def _listed(world, list_path: str, role: str, owner: str, record) -> bool:
    response = world.client(role, owner).get(list_path, {"page_size": 100})
    if response.status_code != 200:
        return False
    return record.pk in {result["id"] for result in response.json()["results"]}


@pytest.mark.parametrize(
    ("path", "method", "target", "role", "expected"),
    [pytest.param(*cell, id="{3}:{1}:{0}:{2}".format(*cell)) for cell in CELLS],
)
def test_each_role_gets_its_status_on_each_operation(world, path, method, target, role, expected):
    record = target_record(world, path, method, target)
    before = database_state(record) if expected >= 400 else None

    response = call(world, path, method, target, role)

    assert response.status_code == expected, response.content
    if expected >= 400:
        problem(response, expected)
        assert database_state(record) == before, "a refused call changed the database"
    operation = OPERATIONS[(path, method)]
    if operation.listed_in and record is not None:
        listed = _listed(world, operation.listed_in, role, operation.owner, record)
        assert listed == (expected == 200), "the list and the detail disagree"
