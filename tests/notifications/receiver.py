"""A webhook receiver on loopback: a real HTTP (or HTTPS) server in a thread that answers a script
of status codes, can hold a request open, keeps what it received, and processes each message
once by its `webhook-id`, as the Standard Webhooks specification asks of receivers."""

from __future__ import annotations

import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    # time.time() when the request arrived.
    at: float


class Receiver:
    """Answers `statuses` in turn (the last one from then on); `hold_first` keeps the first
    request open until `release()`; `tls` (a server context) makes it HTTPS only: a client that
    fails the handshake is noted in `tls_failures` and gets no HTTP answer."""

    def __init__(
        self, statuses: list[int], *, hold_first: bool = False, tls: ssl.SSLContext | None = None
    ) -> None:
        self.statuses = list(statuses)
        self.hold_first = hold_first
        self.tls = tls
        self.lock = threading.Lock()
        self.requests: list[Received] = []
        # The webhook-ids processed (answered 2xx the first time they came), in order.
        self.processed: list[str] = []
        self.tls_failures: list[str] = []
        self.arrived = threading.Event()
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.requests.append(
                        Received(dict(self.headers.items()), body, time.time())
                    )
                    index = len(receiver.requests) - 1
                    status = receiver.statuses[min(index, len(receiver.statuses) - 1)]
                    message_id = self.headers.get("webhook-id", "")
                    if 200 <= status < 300 and message_id not in receiver.processed:
                        receiver.processed.append(message_id)
                receiver.arrived.set()
                if index == 0 and receiver.hold_first:
                    receiver.released.wait(timeout=120)
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender is gone (a killed worker)

            def log_message(self, format, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self):
                sock, address = self.socket.accept()
                if receiver.tls is None:
                    return sock, address
                try:
                    sock.settimeout(30)
                    return receiver.tls.wrap_socket(sock, server_side=True), address
                except (ssl.SSLError, OSError) as error:
                    with receiver.lock:
                        receiver.tls_failures.append(f"{type(error).__name__}: {error}")
                    sock.close()
                    raise

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.server.server_address[1]}/hooks/registry"

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
