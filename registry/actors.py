"""Who acts in a service: a signed-in user or an anonymous visitor (request.user).

Services that may also run with no one acting (tasks, signals) take `Actor | None`.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

Actor: TypeAlias = User | AnonymousUser
