"""`python -m tests.bench.hotpaths`: seed, serve, measure, print and save (see __init__.py)."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from .. import grading
from ..content import COURSE
from ..login import LoginError
from ..options import env_number
from ..server import BENCH_USERNAME, PROJECT_ROOT, BenchServer, ServerError
from ..wrk import Settings, Target, checkout, failed, load_average, measure, print_table, save_json
from .targets import Sizes, hot_path_targets

WORLD_SCRIPT = Path(__file__).with_name("world.py")
RESULTS_PATH = PROJECT_ROOT / "bench-results" / "wrk.json"


class HotPathServer(BenchServer):
    """gunicorn on a database seeded by world.py (in a subprocess with the server's settings and
    the app checkout's code) before it starts."""

    def __init__(self, app_root: Path, database_url: str | None, workers: dict[str, str], sizes: Sizes) -> None:
        super().__init__(app_root, workers)
        self.env["DATABASE_URL"] = database_url or f"sqlite:///{self.workdir / 'bench.db'}"
        self.sizes = sizes
        self.world: dict = {}

    def add_content(self, root: Path) -> None:  # the graded class's exam
        quiz = root / COURSE / "quizzes" / f"{grading.QUIZ_SLUG}.gift"
        quiz.write_text(grading.quiz_gift(self.sizes.results_questions), encoding="utf-8")

    def seed(self) -> None:
        print(f"Seeding: a crowd of {self.sizes.crowd + self.sizes.attempts} members, a class of "
              f"{self.sizes.dashboard_members}, {self.sizes.results_members} graded attempts, a thread ...", flush=True)
        code = ("import runpy, sys; sys.argv = ['world', sys.argv[1]]; "
                f"runpy.run_path({str(WORLD_SCRIPT)!r}, run_name='__main__')")
        result = subprocess.run([sys.executable, "-c", code, json.dumps(self.sizes.world_args(BENCH_USERNAME))],
                                cwd=self.app_root, env=self.env, capture_output=True, text=True)
        lines = result.stdout.strip().splitlines()
        self.world = json.loads(lines[-1]) if result.returncode == 0 and lines else {}
        if not self.world:
            raise ServerError(f"seeding failed:\n{result.stderr[-3000:]}")


def sizes_from_env() -> Sizes:
    def number(name: str, default: int) -> int:
        return int(env_number(name, default))
    kind = os.environ.get("WRK_CHECKIN_CODE", "short")
    if kind not in ("short", "qr"):
        raise SystemExit(f"WRK_CHECKIN_CODE must be short or qr, not {kind!r}")
    return Sizes(number("WRK_CROWD", 8000), number("WRK_ATTEMPTS", 200), number("WRK_DASHBOARD_MEMBERS", 500),
                 number("WRK_DASHBOARD_UNITS", 60), number("WRK_RESULTS_MEMBERS", 500),
                 number("WRK_RESULTS_QUESTIONS", 20), number("WRK_THREAD_REPLIES", 80),
                 number("WRK_NOTIFICATIONS", 30), kind)


def databases() -> list[tuple[str, str | None]]:
    """(kind, URL) to run on: SQLite (a temp file), and BENCH_DATABASE_URL's PostgreSQL."""
    url = os.environ.get("BENCH_DATABASE_URL")
    default = "sqlite,postgresql" if url else "sqlite"
    chosen = [n.strip() for n in (os.environ.get("WRK_DATABASES") or default).split(",") if n.strip()]
    if "postgresql" in chosen and not url:
        raise SystemExit("WRK_DATABASES names postgresql: set BENCH_DATABASE_URL (a throwaway database)")
    unknown = set(chosen) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"WRK_DATABASES: unknown {', '.join(sorted(unknown))} (sqlite, postgresql)")
    return [(kind, url if kind == "postgresql" else None) for kind in chosen]


def chosen_targets(targets: list[Target]) -> list[Target]:
    """WRK_ONLY's endpoints (comma-separated names), between the two /healthz runs."""
    only = {n.strip() for n in os.environ.get("WRK_ONLY", "").split(",") if n.strip()}
    unknown = only - {t.name for t in targets}
    if unknown:
        raise SystemExit(f"WRK_ONLY: unknown {', '.join(sorted(unknown))} ({', '.join(t.name for t in targets)})")
    return [t for t in targets if not only or t.name in only or t.name.startswith("healthz")]


def run_on(kind: str, url: str | None, app_root: Path, settings: Settings, sizes: Sizes) -> dict:
    workers = {"WEB_CONCURRENCY": str(int(env_number("WRK_WORKERS", 2))),
               "GUNICORN_WORKER_CLASS": os.environ.get("WRK_WORKER_CLASS") or "sync"}
    about = {**checkout(app_root), "database": kind, "workers": int(workers["WEB_CONCURRENCY"]),
             "worker_class": workers["GUNICORN_WORKER_CLASS"], "threads": settings.threads,
             "connections": settings.connections, "seconds": settings.seconds, "warmup": settings.warmup,
             "sizes": asdict(sizes)}
    start = load_average()  # other work on the machine shows here
    print(f"\n== {kind}: preparing the database and starting gunicorn from {app_root} ...", flush=True)
    with HotPathServer(app_root, url, workers, sizes) as server:
        try:
            used = re.search(r"Using worker: (\w+)", server.log_tail(200))
            if not used or used.group(1) != about["worker_class"]:
                raise ServerError(f"gunicorn did not start {about['worker_class']} workers")
            targets = chosen_targets(hot_path_targets(server.base_url, server.world, sizes, settings.seconds))
            results = measure(server.base_url, targets, settings, server.workdir)
            if any(r.get("not_measured") for r in results):  # an app error's traceback is in the log
                print(f"--- gunicorn log (last lines) ---\n{server.log_tail(60)}", file=sys.stderr)
        except (ServerError, LoginError) as error:  # the log goes with the server's temp dir
            raise ServerError(f"{error}\n--- gunicorn log (last lines) ---\n{server.log_tail()}") from None
    about["load_average"] = {"start": start, "end": load_average()}
    print_table(results, about, "Hot paths")
    return {**about, "results": results}


def print_side_by_side(runs: list[dict]) -> None:
    """Each endpoint's rate and ratio on every database, beside its goal."""
    print("\n" + f"{'endpoint':<44}" + "".join(f" {run['database'] + ' req/s':>17} {'ratio':>6}" for run in runs)
          + f" {'goal':>5}")
    for rows in zip(*(run["results"] for run in runs), strict=True):
        goal = f"{rows[0]['goal']:.2f}" if rows[0].get("goal") else ""
        print(f"{rows[0]['label']:<44}" + "".join(f" {r['rps']:>17.0f} {r['ratio'] or 0:>6.2f}" for r in rows)
              + f" {goal:>5}")


def main() -> int:
    if shutil.which("wrk") is None:
        print("bench-wrk: wrk is not installed (`make bench-wrk` installs it: apt-get install wrk)", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a killed make still stops gunicorn
    settings, sizes, chosen = Settings.from_env(), sizes_from_env(), databases()
    app_root = Path(os.environ.get("BENCH_APP_ROOT") or PROJECT_ROOT).resolve()
    if not (app_root / "wsgi.py").is_file():
        print(f"bench-wrk: BENCH_APP_ROOT {app_root} has no wsgi.py", file=sys.stderr)
        return 2
    runs, broken = [], []
    for kind, url in chosen:  # a database that cannot be set up does not keep the other's figures
        try:
            runs.append(run_on(kind, url, app_root, settings, sizes))
        except (ServerError, LoginError) as error:
            print(f"bench-wrk ({kind}): {error}", file=sys.stderr)
            broken.append({"database": kind, "error": str(error)[:4000]})
        except KeyboardInterrupt:
            print("bench-wrk: interrupted; the server was stopped", file=sys.stderr)
            return 130
    if len(runs) > 1:
        print_side_by_side(runs)
    save_json(Path(os.environ.get("WRK_RESULTS") or RESULTS_PATH), {"runs": runs, "not_run": broken})
    if broken:
        print(f"bench-wrk: not measured on {', '.join(b['database'] for b in broken)} (see above)", file=sys.stderr)
        return 2
    if any(failed(run["results"]) for run in runs):
        print("bench-wrk: some answers had a status other than the expected one, or connections "
              "failed (see above)", file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
