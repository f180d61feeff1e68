"""The members: start the exam, save answers, submit; retry as a real client would."""
from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from tests.bench.content import COURSE, EXAM_SLUG

# As in tests/bench/exam_users.py (not imported: importing locust patches the standard library).
START_PATH = f"/api/v1/courses/{COURSE}/quizzes/{EXAM_SLUG}/attempts"

REQUEST_TIMEOUT = 30.0  # longer than SQLite's 15 s lock wait: no request outlives its retry
RETRY_FOR = 90.0        # a request is retried this long at most (an outage is seconds long)
MAX_PAUSE = 2.0         # Retry-After is honoured up to this many seconds


@dataclass
class Window:
    """When the database was down (monotonic seconds), to tell 500s in an outage apart."""
    start: float | None = None
    end: float | None = None

    def contains(self, moment: float) -> bool:
        return self.start is not None and self.start <= moment <= (self.end or float("inf"))


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    saves_sent: int = 0          # PUT requests sent, retries included
    acknowledged: int = 0        # saves answered 200 with saved_at
    unavailable: int = 0         # 503s (any request)
    connection_errors: int = 0   # no HTTP answer (any request): the worker died under it
    server_errors: int = 0       # 500s (any request)
    server_errors_in_outage: int = 0
    unexpected: Counter = field(default_factory=Counter)  # "METHOD status" of other answers
    given_up: int = 0            # requests still unanswered after RETRY_FOR
    started: int = 0
    submitted: int = 0

    def add(self, name: str, amount: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + amount)


class Member(threading.Thread):
    """One member: one attempt, saves until `stop` is set, then submits."""

    def __init__(self, base_url: str, token: str, stats: Stats, outage: Window,
                 stop: threading.Event, seed: int):
        super().__init__(daemon=True)
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.stats, self.outage, self.stop = stats, outage, stop
        self.random = random.Random(seed)
        self.attempt_id: int | None = None
        # question id -> the last response answered 200; questions whose last save ended
        # without an answer (given up) cannot be checked and are left out of the ledger.
        self.acknowledged: dict[int, str] = {}
        self.uncertain: set[int] = set()
        self.error: str | None = None

    def send(self, method: str, path: str, **kwargs) -> requests.Response | None:
        """The request's final answer, retried through dying workers, 503s and 500s."""
        deadline = time.monotonic() + RETRY_FOR
        while True:
            if method == "PUT":
                self.stats.add("saves_sent")
            try:
                response = self.session.request(method, self.base_url + path,
                                                timeout=REQUEST_TIMEOUT, **kwargs)
            except requests.RequestException:
                self.stats.add("connection_errors")
                pause = 0.2
            else:
                if response.status_code == 503:
                    self.stats.add("unavailable")
                    pause = min(float(response.headers.get("Retry-After") or 1), MAX_PAUSE)
                elif response.status_code == 500:
                    self.stats.add("server_errors")
                    if self.outage.contains(time.monotonic()):
                        self.stats.add("server_errors_in_outage")
                    pause = 0.5
                else:
                    return response
            if time.monotonic() + pause > deadline:
                self.stats.add("given_up")
                return None
            time.sleep(pause)

    def run(self) -> None:
        try:
            self.take_exam()
        except Exception as error:  # reported, never silently lost
            self.error = f"{type(error).__name__}: {error}"

    def take_exam(self) -> None:
        response = self.send("POST", START_PATH)
        if response is None or response.status_code not in (200, 201):
            self.unexpected("POST", response)
            self.error = "could not start the exam"
            return
        body = response.json()
        self.attempt_id, questions = body["id"], body["questions"]
        self.stats.add("started")
        while not self.stop.is_set():
            question = self.random.choice(questions)
            self.save(question["id"], self.random.choice(question["options"])["id"])
            time.sleep(self.random.uniform(0.05, 0.25))
        response = self.send("POST", f"/api/v1/attempts/{self.attempt_id}/submit")
        if response is not None and response.status_code == 200 and \
                response.json().get("state") != "in_progress":
            self.stats.add("submitted")
        else:
            self.unexpected("POST", response)

    def save(self, question_id: int, option: str) -> None:
        path = f"/api/v1/attempts/{self.attempt_id}/answers/{question_id}"
        response = self.send("PUT", path, json={"response": option})
        if response is not None and response.status_code == 200 and response.json().get("saved_at"):
            self.stats.add("acknowledged")
            self.acknowledged[question_id] = option
            self.uncertain.discard(question_id)
            return
        self.unexpected("PUT", response)
        self.uncertain.add(question_id)  # it may or may not have been stored

    def unexpected(self, method: str, response: requests.Response | None) -> None:
        if response is not None:
            with self.stats.lock:
                self.stats.unexpected[f"{method} {response.status_code}"] += 1

    def ledger(self) -> dict[str, str]:
        return {str(q): r for q, r in self.acknowledged.items() if q not in self.uncertain}
