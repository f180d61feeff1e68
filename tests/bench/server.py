"""The app under test: a throwaway database and a gunicorn process on a free port."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from .content import EXAM_SLUG, prepare_content

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
START_TIMEOUT = 60.0  # a loaded machine boots workers slowly (two instances boot four at once)
BENCH_USERNAME = "benchuser"
BENCH_PASSWORD = "bench-password-1"


class ServerError(RuntimeError):
    """The server could not be prepared or started; the message says why."""


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(workdir: Path) -> dict[str, str]:
    """Production settings, isolated from the developer's instance/ and services."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "TRUST_PROXY", "FLASK_DEBUG"):
        env.pop(name, None)
    env.update({
        "LEARNHUB_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),  # production refuses to start without one
        "SESSION_COOKIE_SECURE": "0",  # the bench talks plain http to 127.0.0.1
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}",
        # The bench's own copy (see content.py): its exam does not follow the sample quizzes.
        "CONTENT_DIR": str(workdir / "content"),
    })
    env.pop("RATELIMIT_STORAGE_URI", None)
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    else:  # production refuses per-process limits unless they are chosen explicitly
        env["RATELIMIT_STORAGE_URI"] = "memory://"
    return env


def flask_cli(env: dict[str, str], *args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


def prepare_database(env: dict[str, str], cwd: Path = PROJECT_ROOT) -> None:
    """Schema, course content and one member account, through the same CLI operators use."""
    for args in (("db", "upgrade"), ("content", "sync")):
        result = flask_cli(env, *args, cwd=cwd)
        if result.returncode != 0:
            raise ServerError(f"flask {' '.join(args)} failed:\n{result.stderr or result.stdout}")
        if EXAM_SLUG in result.stderr:  # sync skips a quiz file with problems and says so
            raise ServerError(f"the bench exam has problems:\n{result.stderr}")
    ensure_account(env, BENCH_USERNAME, "member", BENCH_PASSWORD, cwd)


def ensure_account(env: dict[str, str], username: str, role: str, password: str,
                   cwd: Path = PROJECT_ROOT) -> None:
    created = flask_cli(env, "users", "create", username, "--role", role, "--password", password, cwd=cwd)
    if created.returncode != 0:
        # A reused BENCH_DATABASE_URL already has the account: reset its password instead.
        reset = flask_cli(env, "users", "set-password", username, "--password", password, cwd=cwd)
        if reset.returncode != 0:
            raise ServerError(f"could not create {username}:\n{created.stderr}{reset.stderr}")


class BenchServer:
    """`with BenchServer() as server:` gives a running server; leaving stops it, always."""

    def __init__(self, app_root: Path = PROJECT_ROOT, extra_env: dict[str, str] | None = None,
                 instances: int = 1) -> None:
        """`app_root`: the checkout whose code runs (another commit's, to compare figures).
        `instances`: gunicorn masters on as many ports, sharing the database and the settings
        (two hosts behind a load balancer); `port`, `base_url` and `process` are the first's."""
        self._tmp = tempfile.TemporaryDirectory(prefix="learnhub-bench-")
        self.workdir = Path(self._tmp.name)
        self.app_root = app_root
        self.env = server_env(self.workdir)
        if app_root != PROJECT_ROOT:
            self.env["PYTHONPATH"] = str(app_root)
        self.env.update(extra_env or {})
        self.ports = [free_port() for _ in range(instances)]
        self.base_urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.port, self.base_url = self.ports[0], self.base_urls[0]
        self.process: subprocess.Popen | None = None
        self.more_processes: list[subprocess.Popen] = []  # the second instance's master, ...
        self._log_path = self.workdir / "gunicorn.log"

    def __enter__(self) -> BenchServer:
        try:
            self.add_content(prepare_content(self.app_root / "content", self.workdir))
            prepare_database(self.env, self.app_root)
            self.seed()
            self._start()
            self._wait_until_healthy()
        except BaseException:  # also Ctrl-C while starting: never leave gunicorn behind
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def add_content(self, root: Path) -> None:
        """A subclass's files in the content copy `root`, before it is indexed."""

    def seed(self) -> None:
        """A subclass's rows, after the schema and content and before the server starts."""

    def _start(self) -> None:
        self.process = self._spawn(self.port, self._log_path)
        self.more_processes = [self._spawn(port, self.log_path(n))
                               for n, port in enumerate(self.ports[1:], 1)]

    def _spawn(self, port: int, log_path: Path) -> subprocess.Popen:
        workers = self.env.get("WEB_CONCURRENCY") or str(WORKERS)  # gunicorn.conf.py reads it too
        # No control socket: every gunicorn on the machine would share ~/.gunicorn/gunicorn.ctl.
        command = [sys.executable, "-m", "gunicorn", "--workers", workers, "--no-control-socket",
                   "--bind", f"127.0.0.1:{port}", "wsgi:app"]
        with open(log_path, "wb") as log:
            return subprocess.Popen(command, cwd=self.app_root, env=self.env,
                                    stdout=log, stderr=subprocess.STDOUT)

    def _wait_until_healthy(self) -> None:
        for instance, (process, base_url) in enumerate(zip([self.process, *self.more_processes],
                                                           self.base_urls, strict=True)):
            self._wait_for(process, base_url, instance)

    def _wait_for(self, process: subprocess.Popen, base_url: str, instance: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ServerError(f"gunicorn exited with {process.returncode}:\n{self.log_tail(instance=instance)}")
            try:
                if requests.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass  # not listening yet
            time.sleep(0.2)
        raise ServerError(f"/healthz not 200 within {START_TIMEOUT:.0f} s:\n{self.log_tail(instance=instance)}")

    def log_path(self, instance: int = 0) -> Path:
        return self._log_path if instance == 0 else self.workdir / f"gunicorn-{instance + 1}.log"

    def log_tail(self, lines: int = 30, instance: int = 0) -> str:
        path = self.log_path(instance)
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM each gunicorn master (it stops its workers), SIGKILL if it lingers."""
        processes = [self.process, *self.more_processes]
        self.process, self.more_processes = None, []
        for process in processes:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            if process is not None and process.poll() is None:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self._tmp.cleanup()
