"""Run one scenario with locust as a library (headless, in this process) and collect figures."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import gevent
import psutil
from locust import FastHttpUser
from locust.env import Environment

MAX_SPAWN_RATE = 100  # locust warns above this; 300 users then take 3 s to start
PERCENTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}


@dataclass
class Result:
    name: str
    label: str
    users: int
    seconds: float  # measured time, after every user was started
    requests: int
    failures: int
    rps: float
    latency_ms: dict[str, float]
    errors: dict[str, int] = field(default_factory=dict)  # failure message -> occurrences
    generator_cpu_percent: float = 0.0  # locust's CPU use while measuring (100 = one core)
    ratio: float | None = None  # rps / baseline rps, filled in by the caller


def run(name: str, label: str, user_class: type[FastHttpUser], host: str,
        users: int, seconds: float) -> Result:
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    try:
        runner.start(users, spawn_rate=min(users, MAX_SPAWN_RATE))
        runner.spawning_greenlet.join()
        env.stats.reset_all()  # measure the steady state, not the ramp-up
        cpu_before, started = cpu_seconds(), time.perf_counter()
        gevent.sleep(seconds)
        # Read the figures before stopping: no greenlet runs until we yield again, so
        # requests cut short by the stop cannot skew them.
        elapsed = time.perf_counter() - started
        result = collect(env, name, label, users, elapsed)
        result.generator_cpu_percent = round(100 * (cpu_seconds() - cpu_before) / elapsed, 1)
        return result
    finally:
        runner.quit()


def cpu_seconds() -> float:
    """CPU time this process (locust) has used: shows when the generator is the bottleneck."""
    times = psutil.Process().cpu_times()
    return times.user + times.system


def collect(env: Environment, name: str, label: str, users: int, elapsed: float) -> Result:
    total = env.stats.total
    errors = {f"{e.method} {e.name}: {e.error}": e.occurrences for e in env.stats.errors.values()}
    # Exceptions raised in the User code itself (bugs in a scenario) count as failures too.
    for exc in env.runner.exceptions.values():
        errors[f"exception: {exc['msg']}"] = exc["count"]
    failures = total.num_failures + sum(exc["count"] for exc in env.runner.exceptions.values())
    latency = {key: float(total.get_response_time_percentile(p)) if total.num_requests else 0.0
               for key, p in PERCENTILES.items()}
    return Result(name=name, label=label, users=users, seconds=round(elapsed, 2),
                  requests=total.num_requests, failures=failures,
                  rps=total.num_requests / elapsed if elapsed else 0.0, latency_ms=latency,
                  errors=errors)
