"""Idle and slow clients: connections that send nothing, and ones that send a request a byte a
second, as a crowd of phones on a bad campus Wi-Fi link does. The server must keep answering
everyone else while they are open (gunicorn.conf.py: gevent workers)."""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

import requests

# The start of a request that never finishes: one byte of it is sent each second.
SLOW_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 4000


@dataclass
class Probe:
    """/healthz answered while the slow clients were connected (seconds per request)."""
    answered: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def slowest(self) -> float | None:
        return max(self.answered, default=None)


class SlowClients:
    """`with SlowClients(host, port, idle=200, slow=100):` holds the connections open; leaving
    closes them. A thread trickles the slow ones until then (bounded by the with block)."""

    def __init__(self, host: str, port: int, idle: int, slow: int) -> None:
        self.address = (host, port)
        self.idle_count, self.slow_count = idle, slow
        self.sockets: list[socket.socket] = []
        self.slow: list[socket.socket] = []
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> SlowClients:
        for _ in range(self.idle_count):
            self.sockets.append(socket.create_connection(self.address, timeout=5))
        for _ in range(self.slow_count):
            sock = socket.create_connection(self.address, timeout=5)
            self.sockets.append(sock)
            self.slow.append(sock)
        self._thread.start()
        return self

    def _trickle(self) -> None:
        while not self._stop.wait(1.0) and self.sent < len(SLOW_REQUEST):
            for sock in self.slow:
                try:
                    sock.send(SLOW_REQUEST[self.sent:self.sent + 1])
                except OSError:
                    pass  # the server may close a client it finds too slow: that is allowed
            self.sent += 1

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()

    def probe(self, base_url: str, requests_count: int = 20, timeout: float = 5.0) -> Probe:
        """Ask /healthz a few times while the connections are open; a request not answered
        within `timeout` is a failure (with sync workers it waits ~30 s for a worker)."""
        probe = Probe()
        for _ in range(requests_count):
            started = time.monotonic()
            try:
                response = requests.get(f"{base_url}/healthz", timeout=timeout)
            except requests.RequestException as error:
                probe.failures.append(type(error).__name__)
                continue
            if response.status_code == 200:
                probe.answered.append(time.monotonic() - started)
            else:
                probe.failures.append(f"status {response.status_code}")
            time.sleep(0.1)
        return probe
