"""The shipped gunicorn.conf.py serves others while clients that send nothing or send slowly
hold connections open (a sync worker waits ~30 s for each such client's request)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.bench.server import PROJECT_ROOT, free_port


@pytest.fixture
def served(tmp_path):
    """`make run`'s server (the project's gunicorn.conf.py, 2 workers) on a free local port."""
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "GUNICORN_WORKER_CLASS", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY")}
    env.update({"LEARNHUB_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"})
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                               cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base_url}/healthz", timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("gunicorn did not start with gunicorn.conf.py")
                time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_idle_and_slow_clients_do_not_stall_the_server(served):
    held = []
    try:
        for _ in range(6):  # more than the two workers: each would hold one
            held.append(socket.create_connection(("127.0.0.1", served), timeout=5))
        for _ in range(6):
            slow = socket.create_connection(("127.0.0.1", served), timeout=5)
            slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the end
            held.append(slow)
        time.sleep(0.5)
        for _ in range(3):
            # With sync workers this request waits for gunicorn's 30 s timeout and fails here.
            assert requests.get(f"http://127.0.0.1:{served}/healthz", timeout=10).status_code == 200
    finally:
        for sock in held:
            sock.close()
