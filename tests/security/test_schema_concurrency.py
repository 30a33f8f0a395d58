"""The first schema requests of a fresh server, all at once, never answer 500."""

import threading
import urllib.error
import urllib.request

import pytest


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_schema_requests_all_succeed(api_server):
    callers = 16
    barrier = threading.Barrier(callers)
    statuses: list[int] = []

    def fetch() -> None:
        barrier.wait()
        try:
            with urllib.request.urlopen(
                f"{api_server.url}/api/schema/?format=json", timeout=60
            ) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=fetch) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * callers
