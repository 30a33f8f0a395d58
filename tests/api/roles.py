"""The roles of the permission matrices, relative to the organization that owns the record."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import ROLES

# ROLES is defined in tests/factories; named here too for the matrices' importers.
__all__ = ["ROLES", "People", "as_params", "cell_id", "expand", "people_owning"]


def expand(matrix: list[tuple], targets: tuple[str, ...]) -> list[tuple]:
    """(role, action, status per target...) rows → (role, action, target, status) cells."""
    return [
        (role, action, target, status)
        for role, action, *statuses in matrix
        for target, status in zip(targets, statuses, strict=True)
    ]


def cell_id(cell: tuple) -> str:
    return "-".join(str(part) for part in cell)


def as_params(cells: list[tuple]) -> list:
    return [pytest.param(*cell, id=cell_id(cell)) for cell in cells]


class People:
    """One user per role; `owners` are the viewer, editor and admin of the owning organization."""

    def __init__(self, *, owners: dict, others: dict) -> None:
        self.users = {**owners, **others}

    def client(self, role: str) -> APIClient:
        return APIClient() if role == "anonymous" else client_for(self.users[role])

    def user(self, role: str):
        return self.users.get(role)


def people_owning(
    viewer, editor, admin, *, other_editor, gov_editor, community_editor, coordinator
):
    return People(
        owners={"owner_viewer": viewer, "owner_editor": editor, "owner_admin": admin},
        others={
            "other_member": other_editor,
            "government_member": gov_editor,
            "community_member": community_editor,
            "coordinator": coordinator,
        },
    )
