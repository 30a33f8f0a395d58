"""A webhook receiver on loopback: a real HTTP server in a thread that answers a script of status
codes, can hold a request open, and keeps what it received."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Answers `statuses` in turn (the last one from then on); `hold_first` keeps the first
    request open until `release()`."""

    def __init__(self, statuses: list[int], *, hold_first: bool = False) -> None:
        self.statuses = list(statuses)
        self.hold_first = hold_first
        self.lock = threading.Lock()
        self.requests: list[Received] = []
        self.arrived = threading.Event()
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.requests.append(Received(dict(self.headers.items()), body))
                    index = len(receiver.requests) - 1
                    status = receiver.statuses[min(index, len(receiver.statuses) - 1)]
                receiver.arrived.set()
                if index == 0 and receiver.hold_first:
                    receiver.released.wait(timeout=60)
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender is gone (a killed worker)

            def log_message(self, format, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/registry"

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.requests)

    def release(self) -> None:
        self.released.set()

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
