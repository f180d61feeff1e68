"""Attempts whose time runs out mid-run, and `flask quizzes close-overdue` on every host at once.

A second small class sits a one-minute exam of the same quiz: its members start and save one
answer each before the crowd connects, then leave. Their attempts fall due (the minute plus
the quiz's grace) while the crowd saves; a few times during the run, and once after it, each
instance runs close-overdue at the same moment as the others (as cron would on every host,
under `nice` as the README advises).
Each of those attempts must be closed exactly once: the closers' counts add up to their
number and verify.py finds each graded once with its acknowledged answer.
"""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from ..server import PROJECT_ROOT
from .load import Settings

MINUTES = 1  # the late class's exam: open and timed for one minute
GRACE_S = 30  # the bench exam's grace (content.py)
ROUNDS_WHILE_SAVING = 3
CLOSED = re.compile(r"Closed (\d+) overdue attempt")


@dataclass
class LateGroup:
    class_id: int | None = None
    exam_id: int | None = None
    attempts: dict[str, dict[str, str]] = field(default_factory=dict)  # attempt -> question -> acknowledged
    due_at: float = 0.0  # epoch seconds by which every one of them is overdue
    problems: list[str] = field(default_factory=list)


def start_and_leave(base_urls: list[str], crowd: dict, tokens: list[str]) -> LateGroup:
    """Each late member starts the exam and saves one answer (on instance n % instances)."""
    group = LateGroup(class_id=crowd["class"], exam_id=crowd["exam"], due_at=time.time() + MINUTES * 60 + GRACE_S + 2)
    path = f"/api/v1/courses/{crowd['course']}/quizzes/{crowd['quiz']}/attempts"

    def one(numbered: tuple[int, str]) -> tuple[str, dict] | str:
        number, token = numbered
        base, headers = base_urls[number % len(base_urls)], {"Authorization": f"Bearer {token}"}
        started = requests.post(base + path, json={"exam": crowd["exam"]}, headers=headers, timeout=60)
        if started.status_code not in (200, 201):
            return f"late member {number}: start answered {started.status_code} {started.text[:200]}"
        attempt = started.json()
        question = attempt["questions"][0]
        choice = question["options"][0]["id"]
        saved = requests.put(f"{base}/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                             json={"response": choice}, headers=headers, timeout=60)
        if saved.status_code != 200:
            return f"late member {number}: save answered {saved.status_code} {saved.text[:200]}"
        return str(attempt["id"]), {str(question["id"]): choice}

    with ThreadPoolExecutor(4) as pool:
        for outcome in pool.map(one, enumerate(tokens)):
            if isinstance(outcome, str):
                group.problems.append(outcome)
            else:
                group.attempts[outcome[0]] = outcome[1]
    return group


@dataclass
class Closers:
    """Rounds of close-overdue, `hosts` processes at once each, on a thread of their own."""
    env: dict[str, str]
    hosts: int
    rounds: list[dict] = field(default_factory=list)  # {"at", "closed": [per process], "failures"}
    _thread: threading.Thread | None = None

    def run_round(self) -> None:
        # Niced, as the README tells operators: loading the app costs a CLI ~2.5 s of CPU, which at
        # normal priority two hosts' cron jobs take from the workers serving the exam.
        command = ["nice", "-n", "19", sys.executable, "-m", "flask", "--app", "wsgi", "quizzes", "close-overdue"]
        at = time.time()
        processes = [subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(self.hosts)]
        closed, failures = [], []
        for process in processes:
            out, err = process.communicate(timeout=300)
            found = CLOSED.search(out)
            if process.returncode != 0 or not found:
                failures.append(f"close-overdue exited {process.returncode}: {(err or out)[-500:]}")
            closed.append(int(found.group(1)) if found else 0)
        self.rounds.append({"at": at, "closed": closed, "failures": failures})

    def start_during(self, settings: Settings, window_start: float) -> None:
        """ROUNDS_WHILE_SAVING rounds spread over the crowd's saves."""
        saves_from = window_start + settings.window
        moments = [saves_from + settings.save_seconds * k / (ROUNDS_WHILE_SAVING + 1)
                   for k in range(1, ROUNDS_WHILE_SAVING + 1)]

        def loop() -> None:
            for moment in moments:
                time.sleep(max(0.0, moment - time.time()))
                self.run_round()

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def finish(self, group: LateGroup) -> None:
        """After the crowd: wait for the rounds, then for the late attempts to be due, one more round."""
        if self._thread is not None:
            self._thread.join()
        time.sleep(max(0.0, group.due_at - time.time()))
        self.run_round()

    def summary(self, group: LateGroup, window_start: float = 0.0) -> dict:
        closed = sum(sum(r["closed"]) for r in self.rounds)
        return {"hosts_at_once": self.hosts, "rounds": len(self.rounds), "closed": closed,
                "overdue_attempts": len(group.attempts),
                "closed_per_round": [r["closed"] for r in self.rounds],
                "rounds_at_s": [round(r["at"] - window_start) for r in self.rounds],
                "failures": [f for r in self.rounds for f in r["failures"]]}

    def problems(self, group: LateGroup) -> list[str]:
        summary = self.summary(group)
        found = [f"close-overdue: {failure}" for failure in summary["failures"]]
        if summary["closed"] != summary["overdue_attempts"]:
            found.append(f"close-overdue closed {summary['closed']} attempt(s) in all; "
                         f"{summary['overdue_attempts']} fell due (each must be closed exactly once)")
        return found
