"""Run one scenario with locust as a library (headless, in this process) and collect figures."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import gevent
import psutil
from locust import FastHttpUser
from locust.env import Environment
from locust.stats import StatsEntry, calculate_response_time_percentile, diff_response_time_dicts

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


def percentiles(response_times: dict[int, int], count: int) -> dict[str, float]:
    return {key: float(calculate_response_time_percentile(response_times, count, p)) if count else 0.0
            for key, p in PERCENTILES.items()}


def named_result(env: Environment, method: str, name: str, label: str, users: int) -> Result:
    """One request name's figures; req/s over its first to last response (its busy span)."""
    entry = env.stats.get(name, method)
    span = (entry.last_request_timestamp or entry.start_time) - entry.start_time
    errors = {f"{e.method} {e.name}: {e.error}": e.occurrences for e in env.stats.errors.values()
              if (e.method, e.name) == (method, name)}
    return Result(name=name, label=label, users=users, seconds=round(span, 2),
                  requests=entry.num_requests, failures=entry.num_failures,
                  rps=entry.num_requests / span if span > 0 else float(entry.num_requests),
                  latency_ms=percentiles(entry.response_times, entry.num_requests), errors=errors)


@dataclass
class Snapshot:
    """One request name's counters at a moment: two of them give a measuring window."""
    requests: int
    response_times: dict[int, int]
    at: float = field(default_factory=time.perf_counter)
    cpu: float = field(default_factory=lambda: cpu_seconds())

    @classmethod
    def of(cls, entry: StatsEntry) -> Snapshot:
        return cls(entry.num_requests, dict(entry.response_times))


def window_result(env: Environment, name: str, label: str, users: int,
                  before: Snapshot, after: Snapshot) -> Result:
    """`name`'s rate and latency between two snapshots; failures over the whole run."""
    elapsed = after.at - before.at
    count = after.requests - before.requests
    result = collect(env, name, label, users, elapsed)
    result.requests, result.rps = count, count / elapsed if elapsed else 0.0
    result.latency_ms = percentiles(diff_response_time_dicts(after.response_times, before.response_times), count)
    result.generator_cpu_percent = round(100 * (after.cpu - before.cpu) / elapsed, 1) if elapsed else 0.0
    return result


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
