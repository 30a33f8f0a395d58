"""Requests over real HTTP for the tests against gunicorn, and many of them at the same instant."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable


def call(
    method: str, url: str, *, token: str | None = None, body=None, headers=None
) -> tuple[int, dict, dict]:
    """(status, JSON body or {}, headers) of one request; HTTP errors are answers, not raised."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"Token {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw, status, answer_headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as error:
        raw, status, answer_headers = error.read(), error.code, error.headers
    return status, json.loads(raw) if raw else {}, dict(answer_headers)


def all_at_once(requests: list[Callable[[], tuple]]) -> list[tuple]:
    """Run the calls in threads released together by a barrier; their answers in call order."""
    barrier = threading.Barrier(len(requests))
    answers: list[tuple] = [()] * len(requests)

    def run(index: int) -> None:
        barrier.wait()
        try:
            answers[index] = requests[index]()
        except Exception as error:  # a dropped connection is a defect the assertions must show
            answers[index] = (0, {"error": repr(error)}, {})

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers
