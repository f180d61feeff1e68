"""The simulated exam takers, and the ledger of the saves the server acknowledged."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from locust import FastHttpUser, between, constant, task
from locust.exception import StopUser

from .content import COURSE, EXAM_SLUG
from .login import USER_AGENT

START_PATH = f"/api/v1/courses/{COURSE}/quizzes/{EXAM_SLUG}/attempts"


@dataclass
class Ledger:
    """What one phase's users share. Greenlets switch only on I/O, so no locks are needed."""
    tokens: list[str]
    # attempt id -> question id -> the last response the server answered 200 to
    answers: dict[int, dict[int, str]] = field(default_factory=dict)
    started: int = 0
    finished: int = 0  # users that are done: submitted, or gave up after a failure
    submitted: int = 0
    stop: bool = False  # set when the closed-loop phase's window ends: submit now


def check(response, *expected: int) -> bool:
    """Mark a catch_response request; true if it got one of the expected statuses."""
    if response.status_code in expected:
        response.success()
        return True
    if response.status_code == 0:  # no HTTP answer: connection refused, timeout...
        response.failure(repr(getattr(response, "error", None)))
    else:
        response.failure(f"HTTP {response.status_code}: {(response.text or '')[:160]}")
    return False


class Member(FastHttpUser):
    """Starts the bench exam, saves answers, submits, stops. Subclasses say when to submit."""
    abstract = True
    ledger: Ledger  # set by the factories below

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {self.ledger.tokens.pop()}", "User-Agent": USER_AGENT}
        self.attempt_id: int | None = None
        self.questions: list[dict] = []
        self.saves = 0

    def time_to_submit(self) -> bool:
        raise NotImplementedError

    @task
    def step(self) -> None:
        if self.attempt_id is None:
            self.open_attempt()
        elif self.time_to_submit():
            self.submit()
        else:
            self.save()

    def open_attempt(self) -> None:
        with self.client.post(START_PATH, headers=self.headers, name="start", catch_response=True) as response:
            ok = check(response, 200, 201)
            if ok:
                body = response.json()
                self.attempt_id, self.questions = body["id"], body["questions"]
                self.ledger.answers.setdefault(self.attempt_id, {})
                self.ledger.started += 1
        if not ok:
            self.give_up()

    def save(self) -> None:
        question = random.choice(self.questions)
        option = random.choice(question["options"])["id"]
        path = f"/api/v1/attempts/{self.attempt_id}/answers/{question['id']}"
        with self.client.put(path, json={"response": option}, headers=self.headers, name="save",
                             catch_response=True) as response:
            if check(response, 200):  # saves of one user are sequential: the last 200 wins
                self.ledger.answers[self.attempt_id][question["id"]] = option
        self.saves += 1

    def submit(self) -> None:
        path = f"/api/v1/attempts/{self.attempt_id}/submit"
        with self.client.post(path, headers=self.headers, name="submit", catch_response=True) as response:
            if check(response, 200):
                if response.json().get("state") == "in_progress":
                    response.failure("submitted, but the attempt is still in_progress")
                else:
                    self.ledger.submitted += 1
        self.give_up()  # done either way; verify.py finds an attempt left open

    def give_up(self) -> None:
        self.ledger.finished += 1
        raise StopUser()


def exam_takers(ledger: Ledger, saves: int) -> type[Member]:
    """Realistic: a save every 2-4 s (a member answering), `saves` of them, then submit."""
    class ExamTaker(Member):
        wait_time = between(2, 4)

        def time_to_submit(self) -> bool:
            return self.saves >= saves

    ExamTaker.ledger = ledger
    return ExamTaker


def save_loop(ledger: Ledger) -> type[Member]:
    """Capacity: saves back to back until the phase sets `ledger.stop`, then submit."""
    class SaveLoop(Member):
        wait_time = constant(0)

        def time_to_submit(self) -> bool:
            return self.ledger.stop

    SaveLoop.ledger = ledger
    return SaveLoop
