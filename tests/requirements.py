"""What a test needs from the machine: skipped on a developer's machine that lacks it, a failure
in CI (`CI=true`), where `.ci/run` installs it — so that a missing tool never passes silently."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, reason: str) -> None:
    """Skip the test when `available` is false, except in CI, where it fails."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} — CI installs it, so its absence is a failure here")
    pytest.skip(reason)
