"""The faults: SIGKILL a gunicorn worker; stop and start the local PostgreSQL cluster."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (gunicorn's workers are the master's children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended while we looked
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def state(pid: int) -> str:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "?"
    return text[text.rindex(")") + 2]


def kill_a_worker(master_pid: int, look_for: float = 3.0) -> tuple[int, bool]:
    """SIGKILL one worker of the gunicorn master, preferably one caught running (in the
    middle of a request); returns its pid and whether it was running."""
    deadline = time.monotonic() + look_for
    while True:
        workers = children(master_pid)
        if not workers:
            raise RuntimeError(f"gunicorn master {master_pid} has no workers to kill")
        running = [pid for pid in workers if state(pid) == "R"]
        if running or time.monotonic() > deadline:
            victim = random.choice(running or workers)
            os.kill(victim, signal.SIGKILL)
            return victim, bool(running)
        time.sleep(0.001)


def wait_for_workers(master_pid: int, count: int, gone: int, timeout: float = 30.0) -> list[int]:
    """The master's workers once `gone` is reaped and it has `count` live ones again."""
    deadline = time.monotonic() + timeout
    while True:
        workers = [pid for pid in children(master_pid) if pid != gone and state(pid) not in "Z?"]
        if len(workers) >= count or time.monotonic() > deadline:
            return workers
        time.sleep(0.2)


def is_local_postgres(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.startswith("postgres") and parts.hostname in ("127.0.0.1", "localhost", "::1")


def cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"))
    if not versions:
        raise RuntimeError("no PostgreSQL cluster under /etc/postgresql")
    return versions[0]


def pg_ctl(action: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr or result.stdout}")


def postgres_outage(seconds: float) -> tuple[float, float]:
    """Stop the cluster, keep it down `seconds`, start it; returns (stopped_at, started_at)."""
    pg_ctl("stop")
    stopped = time.monotonic()
    try:
        time.sleep(seconds)
    finally:
        pg_ctl("start")  # also when interrupted: never leave the cluster down
    return stopped, time.monotonic()
