"""The crowd's settings, and wrk: one process per instance, one connection per member."""
from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..options import env_number

LUA_SCRIPT = Path(__file__).with_name("crowd.lua")
THREADS = 2  # wrk threads per process; the members of a process split evenly between them
SAVE_GAP = (5, 10)  # seconds between a member's saves
WRK_TIMEOUT_S = 60  # a slower answer is counted by wrk as a timeout (we measure it anyway)
OPEN_QUIET_S = 5  # the members open the exam page over the connect phase but its last seconds
GIVE_UP_S = 180  # after the crowd's expected end (late under overload), a thread publishes what it has
SLACK_S = 210  # wrk's -d beyond the crowd's expected end (it is interrupted when all are done)


@dataclass(frozen=True)
class Settings:
    members: int
    save_seconds: float
    window: float
    connect_seconds: float
    instances: int
    overdue: int
    seed: int

    @classmethod
    def from_env(cls) -> Settings:
        instances = int(env_number("CROWD_INSTANCES", 1))
        if instances < 1:
            raise SystemExit("CROWD_INSTANCES must be 1 or more")
        per_process = THREADS * instances
        members = int(env_number("CROWD_MEMBERS", 3000)) // per_process * per_process
        if members < per_process:
            raise SystemExit(f"CROWD_MEMBERS must be at least {per_process} (wrk threads x instances)")
        connect = env_number("CROWD_CONNECT_SECONDS", 5 + members / 100)
        return cls(members=members, save_seconds=env_number("CROWD_SAVE_SECONDS", 120),
                   window=env_number("CROWD_START_WINDOW", 10), connect_seconds=connect,
                   instances=instances, overdue=int(env_number("CROWD_OVERDUE", 40)),
                   seed=int(env_number("CROWD_SEED", random.randrange(1 << 30))))

    def duration(self) -> int:
        """wrk's -d: until the last member has surely submitted, and then some."""
        return int(self.connect_seconds + self.window + self.save_seconds + SAVE_GAP[1] + SLACK_S)


def raise_open_files_limit() -> int:
    """As many descriptors as the hard limit allows: wrk and gunicorn (children) inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 1 << 20 if hard == resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def lua_string(text: str) -> str:
    if not text.isascii() or any(ord(c) < 32 for c in text):
        raise ValueError(f"not plain ASCII: {text!r}")
    return json.dumps(text)  # JSON's escapes for quotes and backslashes are Lua's too


@dataclass
class WrkRun:
    """One wrk process: its members' tokens (a slice of the crowd's), its script, its results."""
    instance: int
    base_url: str
    members: int
    member_offset: int
    folder: Path
    process: subprocess.Popen | None = None
    threads_done: int = 0
    output: str = ""

    @property
    def tokens_file(self) -> Path:
        return self.folder / f"tokens-{self.instance}.txt"

    @property
    def results_file(self) -> Path:
        return self.folder / f"results-{self.instance}.json"

    def write_script(self, settings: Settings, crowd: dict, window_start: float) -> Path:
        globals_ = {
            "TOKENS_FILE": lua_string(str(self.tokens_file)), "RESULTS_FILE": lua_string(str(self.results_file)),
            "MEMBER_OFFSET": self.member_offset, "THREADS": THREADS, "SEED": settings.seed + self.instance,
            "COURSE": lua_string(crowd["course"]), "QUIZ": lua_string(crowd["quiz"]), "EXAM": int(crowd["exam"]),
            "OPEN_FROM": repr(time.time()), "OPEN_SPREAD": max(0.0, settings.connect_seconds - OPEN_QUIET_S),
            "WINDOW_START": repr(window_start), "WINDOW": settings.window,
            "GIVE_UP_AT": repr(window_start + settings.window + settings.save_seconds + SAVE_GAP[1] + GIVE_UP_S),
            "SAVE_SECONDS": settings.save_seconds, "SAVE_GAP_MIN": SAVE_GAP[0], "SAVE_GAP_MAX": SAVE_GAP[1],
        }
        lines = [f"{name} = {value}" for name, value in globals_.items()]
        lines.append(f"dofile({lua_string(str(LUA_SCRIPT))})")
        script = self.folder / f"crowd-{self.instance}.lua"
        script.write_text("\n".join(lines) + "\n", encoding="ascii")
        return script

    def start(self, script: Path, duration: int) -> None:
        command = ["wrk", f"-t{THREADS}", f"-c{self.members}", f"-d{duration}s", "--timeout", f"{WRK_TIMEOUT_S}s",
                   "-s", str(script), self.base_url + "/healthz"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._follow, daemon=True).start()

    def _follow(self) -> None:
        """Read wrk's output; once each of its threads says its members are done, interrupt it
        (wrk would otherwise sleep out its -d) so that it writes its results now."""
        lines = []
        for line in self.process.stdout:
            lines.append(line)
            if line.startswith("CROWD_THREAD_DONE"):
                self.threads_done += 1
                if self.threads_done == THREADS and self.process.poll() is None:
                    self.process.send_signal(signal.SIGINT)
        self.output = "".join(lines)

    def wait(self, timeout: float) -> dict:
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        time.sleep(0.2)  # the reader thread takes the last lines
        if not self.results_file.exists():
            raise RuntimeError(f"wrk for instance {self.instance + 1} wrote no results "
                               f"(exit {self.process.returncode}):\n{self.output[-2000:]}")
        # errors="replace": an error body cut at 300 bytes may end inside a character
        return json.loads(self.results_file.read_text(encoding="utf-8", errors="replace"))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def split_crowd(tokens: list[str], base_urls: list[str], folder: Path) -> list[WrkRun]:
    """Consecutive equal slices of the members, one per instance (the member index is global)."""
    share = len(tokens) // len(base_urls)
    runs = []
    for instance, base_url in enumerate(base_urls):
        run = WrkRun(instance, base_url, share, instance * share, folder)
        run.tokens_file.write_text("\n".join(tokens[run.member_offset:run.member_offset + share]) + "\n",
                                   encoding="ascii")
        runs.append(run)
    return runs


def drive(runs: list[WrkRun], settings: Settings, crowd: dict, window_start: float) -> list[dict]:
    """Start every wrk at once (`window_start`: epoch seconds); their results once all are done."""
    duration = settings.duration()
    try:
        for run in runs:
            run.start(run.write_script(settings, crowd, window_start), duration)
        results = [run.wait(timeout=duration + 60) for run in runs]
    finally:
        for run in runs:
            run.stop()
    return results


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]
