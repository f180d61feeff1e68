"""`python -m tests.bench`: start the server, run the scenarios, print and save the figures."""
# locust monkey-patches the standard library with gevent on import; it must happen before
# anything else (requests, subprocess, socket) is imported, or those stay unpatched.
import locust  # noqa: F401  isort: skip

import os
import signal
import sys

import gevent
from locust.log import setup_logging

from . import scenarios
from .exam import ExamOutcome
from .login import LoginError, log_in
from .options import env_number
from .report import add_ratios, print_exam, print_failures, print_table, write_json
from .runner import Result, run
from .server import PROJECT_ROOT, BenchServer, ServerError

RESULTS_PATH = PROJECT_ROOT / "bench-results" / "latest.json"


def database_kind() -> str:
    """Only the scheme: the URL may hold a password that must not land in the JSON."""
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite"
    return url.split(":", 1)[0]


def run_all(server: BenchServer, chosen: list[scenarios.Scenario], users: int,
            seconds: float) -> tuple[list[Result], ExamOutcome | None, dict]:
    ctx = scenarios.Context(server=server, credentials=log_in(server.base_url))
    results, exam, others = [], None, {}
    for scenario in chosen:
        if scenario.run is not None:  # the exam, check-in: their own phases and report sections
            outcome = scenario.run(ctx, users, seconds)
            if isinstance(outcome, ExamOutcome):
                exam = outcome
            else:  # print_report(), failed(), as_json(), rows
                others[scenario.name] = outcome
            continue
        count = scenario.users or users
        print(f"Running {scenario.label}: {count} users for {seconds:g} s ...", flush=True)
        user_class = scenario.build(ctx)
        results.append(run(scenario.name, scenario.label, user_class, server.base_url, count, seconds))
    return results, exam, others


def stop_on_sigterm() -> None:
    """Turn SIGTERM (a CI timeout, a killed make) into Ctrl-C, so gunicorn is still stopped.

    Through gevent's hub, so the interrupt lands in this (main) greenlet, not in whichever
    simulated user happens to be running.
    """
    gevent.signal_handler(signal.SIGTERM, gevent.kill, gevent.getcurrent(), KeyboardInterrupt)


def main() -> int:
    stop_on_sigterm()
    setup_logging("WARNING")  # locust's own warnings (e.g. its CPU above 90%) stay visible
    seconds = env_number("BENCH_SECONDS", 15)
    users = int(env_number("BENCH_USERS", 20))
    names = [n.strip() for n in os.environ.get("BENCH_SCENARIOS", "").split(",") if n.strip()]
    chosen = scenarios.selected(names)
    print("Preparing a throwaway database and starting gunicorn ...", flush=True)
    try:
        with BenchServer() as server:
            print(f"Server on {server.base_url}", flush=True)
            results, exam, others = run_all(server, chosen, users, seconds)
    except (ServerError, LoginError) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; the server was stopped", file=sys.stderr)
        return 130
    add_ratios(results + ([exam.throughput] if exam else []), scenarios.BASELINE)
    print_table(results, users, seconds)
    if exam:
        print_exam(exam)
    for outcome in others.values():
        outcome.print_report()
    write_json(results, exam, users, seconds, database_kind(), RESULTS_PATH,
               {name: outcome.as_json() for name, outcome in others.items()})
    if any(r.failures for r in results) or (exam and exam.failed()) or any(o.failed() for o in others.values()):
        print_failures(results, exam)
        for outcome in others.values():
            if outcome.failed() and outcome.server_log:
                print(f"--- gunicorn log (last lines) ---\n{outcome.server_log}", file=sys.stderr)
        print("bench: some requests failed or answers were lost (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
