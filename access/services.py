"""Safe retries: a create sent again with the same Idempotency-Key answers what the first did."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.errors import UniqueViolation

from access.models import IdempotencyRecord
from registry.errors import ValidationError


@dataclass(frozen=True)
class Answer:
    """A status code and a JSON body, as first answered or replayed."""

    status_code: int
    body: Any
    replayed: bool = False


class KeyReused(Exception):
    """The key was used before for another request (answered 422)."""


def fingerprint_of(*, method: str, path: str, body: Any) -> str:
    """SHA-256 over the method, the path and the body's canonical JSON."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method}\n{path}\n{canonical}".encode()).hexdigest()


def check_key(key: str) -> None:
    """A key is 1 to 255 visible ASCII characters."""
    if not 0 < len(key) <= 255 or not all(33 <= ord(character) <= 126 for character in key):
        raise ValidationError(
            {"Idempotency-Key": _("Send 1 to 255 visible ASCII characters, such as a UUID.")}
        )


def answer_once(*, user, key: str, fingerprint: str, produce: Callable[[], Answer]) -> Answer:
    """Answer `produce()` and remember it under `key`, or replay what a first request answered.

    The record is written in the same transaction as the create, so a create that fails leaves
    no record (a retry runs again), and a retry sent while the first is still running waits for
    it on the unique key. The same key with another method, path or body raises KeyReused.
    """
    check_key(key)
    lifetime = timedelta(seconds=settings.IDEMPOTENCY_KEY_SECONDS)
    with transaction.atomic():
        IdempotencyRecord.objects.filter(
            user=user, created_at__lt=timezone.now() - lifetime
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=fingerprint, status_code=0, body={}
                )
        except IntegrityError as error:
            if not isinstance(error.__cause__, UniqueViolation):
                raise
            first = IdempotencyRecord.objects.get(user=user, key=key)
            if first.fingerprint != fingerprint:
                raise KeyReused(_("This Idempotency-Key was used for another request.")) from None
            return Answer(first.status_code, first.body, replayed=True)
        answer = produce()
        record.status_code, record.body = answer.status_code, answer.body
        record.save(update_fields=["status_code", "body"])
        return answer
