"""Real threads for the tests of rules that must hold when requests arrive at once, and a
time bound for work that must finish.

Each thread has its own app (engine, connection pool, session) on the suite's database (an
SQLite file or PostgreSQL), and a barrier releases them together. `slow_reads` widens the
window between a rule's read and its write, as a slow request would: without a lock, a
conditional write or a constraint, every thread reads the same state and goes ahead.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from learnhub.core.errors import DomainError
from learnhub.extensions import db

THREADS = 8
BOUND = 30   # seconds: far above what a guarded render takes, far below an unguarded one


@contextmanager
def slow_reads(fragment: str, seconds: float = 0.05):
    """Sleep after every SELECT whose text contains `fragment`, on any engine created meanwhile."""
    def after(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and fragment in statement:
            time.sleep(seconds)

    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        event.remove(Engine, "after_cursor_execute", after)


def race(apps, jobs, refused=DomainError, results: bool = False) -> list:
    """Run jobs[i] in apps[i]'s context (then commit), all released at once. Each outcome is
    "done" (or, with `results`, what the job returned), "refused" (a `refused` error: the rule
    answered) or the unexpected exception itself."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def target(index):
        with apps[index].app_context():
            try:
                barrier.wait(timeout=10)
                value = jobs[index]()
                db.session.commit()
                outcomes[index] = value if results else "done"
            except refused:
                db.session.rollback()
                outcomes[index] = "refused"
            except Exception as error:  # reported in the caller's assertions
                db.session.rollback()
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing request never finished"
    return outcomes


def run_in_threads(app, work) -> list:
    """Run work() in THREADS threads at once, each with its own app context and session."""
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def target():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(work())
            except Exception as error:  # reported below, with the test's failure
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [], errors
    return results


def within(seconds, function, *args, **kwargs):
    """function(*args) in a thread; the test fails if it has not returned after `seconds`."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{function.__name__} still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
