"""Print the results as a table and keep them as JSON in bench-results/latest.json."""
from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from .exam import ExamOutcome
from .runner import Result

GOAL_RATIO = 0.5  # the goal for exam saves, as a fraction of /healthz req/s
COLUMNS = ("scenario", "requests", "failures", "req/s", "p50 ms", "p95 ms", "p99 ms", "ratio",
           "locust CPU%")


def add_ratios(results: list[Result], baseline: str) -> None:
    """Each scenario's req/s as a fraction of the baseline's in this same run."""
    base = next((r for r in results if r.name == baseline), None)
    for result in results:
        result.ratio = result.rps / base.rps if base and base.rps else None


def machine() -> dict:
    return {"nproc": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "server_workers": 2}


def row(result: Result) -> tuple[str, ...]:
    lat = result.latency_ms
    ratio = "-" if result.ratio is None else f"{result.ratio:.2f}"
    return (result.label, str(result.requests), str(result.failures), f"{result.rps:.1f}",
            f"{lat['p50']:.0f}", f"{lat['p95']:.0f}", f"{lat['p99']:.0f}", ratio,
            f"{result.generator_cpu_percent:.0f}")


def print_rows(results: list[Result]) -> None:
    rows = [COLUMNS, *(row(r) for r in results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    print()
    for cells in rows:
        # First column left-aligned (a name), the figures right-aligned.
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(cells, widths, strict=True))))


def print_table(results: list[Result], users: int, seconds: float) -> None:
    print_rows(results)
    print(f"\n{seconds:g} s per scenario, {users} concurrent users unless the scenario sets its own; "
          f"ratio = req/s / GET /healthz req/s in this run.")
    print(f"Machine: {os.cpu_count()} CPU(s); the load generator (locust, one process, "
          f"'locust CPU%' of one core) and the server (gunicorn, 2 workers) share them, "
          f"so figures are relative, not capacity.")
    busy = [r.label for r in results if r.generator_cpu_percent > 90]
    if busy:
        print(f"Note: locust itself was above 90% CPU during: {', '.join(busy)}; "
              f"those req/s are partly the load generator's limit.")


def print_exam(exam: ExamOutcome) -> None:
    print(f"\nExam: {exam.users} members start one timed exam, save an answer every 2-4 s "
          f"({exam.saves_per_user} saves) and submit; then {exam.throughput.users} members save back to back.")
    print_rows([*exam.phase, exam.throughput])
    print("\nexam rows: req/s over each request's busy span, at the members' pace (offered load, "
          "not capacity).\nsaves back to back: closed loop like /healthz; ratio = its req/s / GET /healthz req/s.")
    v = exam.verification
    if v:
        print(f"Verification: {v['attempts_checked']} attempts, {v['answers_checked']} acknowledged answers "
              f"checked; answers lost: {v['answers_lost']}; attempts not graded exactly once: "
              f"{v['attempts_not_graded_once']}; score mismatches: {v['score_mismatches']}; "
              f"attempts left open: {v['attempts_left_open']}.")
    ratio = exam.throughput.ratio
    lost = v.get("answers_lost", "?") if v else "?"
    errors = exam.failures() + len(exam.problems)
    met = lost == 0 and errors == 0 and ratio is not None and ratio >= GOAL_RATIO
    print(f"Goal (0 answers lost, 0 errors, saves >= {GOAL_RATIO:.0%} of /healthz): answers lost {lost}, "
          f"errors {errors}, saves {'-' if ratio is None else f'{ratio:.0%}'} of /healthz: "
          f"{'met' if met else 'NOT met'}.")
    if any(r.generator_cpu_percent > 90 for r in [*exam.phase, exam.throughput]):
        print("Note: locust itself was above 90% CPU during the exam; its req/s are partly locust's limit.")


def print_errors(results: list[Result]) -> None:
    for result in results:
        for message, count in result.errors.items():
            print(f"FAILED {result.label}: {count} x {message}", file=sys.stderr)


def print_failures(results: list[Result], exam: ExamOutcome | None) -> None:
    print_errors(results + ([*exam.phase, exam.throughput] if exam else []))
    if exam:
        for problem in exam.problems:
            print(f"FAILED {problem}", file=sys.stderr)
        if exam.server_log:
            print(f"--- gunicorn log (last lines) ---\n{exam.server_log}", file=sys.stderr)


def write_json(results: list[Result], exam: ExamOutcome | None, users: int, seconds: float,
               database: str, path: Path, others: dict | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": seconds, "users": users, "database": database,
        "machine": machine(),
        "scenarios": [asdict(r) for r in results],
    }
    if exam is not None:
        payload["exam"] = {"users": exam.users, "saves_per_user": exam.saves_per_user,
                           "phase": [asdict(r) for r in exam.phase],
                           "throughput": asdict(exam.throughput),
                           "verification": exam.verification, "problems": exam.problems}
    payload.update(others or {})  # scenarios with their own report (check-in)
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"Results written to {path}")
