"""`python -m tests.bench.wrk` (`make bench-wrk`): the hot API paths measured with wrk.

Locust tops out near 1,000 requests/s on this machine, so its ratios flatter the app; wrk
(a C load generator) does not. This starts gunicorn with 2 sync workers on a throwaway
database (as server.py does), seeds a class of 500 members and members with open attempts,
takes bearer tokens through POST /api/v1/auth/token (the bench member, a head teacher) or
seed.py (the exam takers), then runs `wrk -t2 -c32 -d6s --latency` against each of:

  healthz    GET /healthz, the baseline of the ratios
  unit_api   GET /api/v1/courses/{course}/units/{unit} as a member
  autosave   PUT /api/v1/attempts/{id}/answers/{question}, rotating over WRK_ATTEMPTS members'
             own open attempts with a changed answer each time (wrk_report.lua)
  dashboard  GET /api/v1/classes/{id}/progress?limit=100, a class of 500, as its head teacher

and prints requests/s, p50/p99, answers other than 2xx and the ratio to /healthz: the mean
of a /healthz run before and one after the others (how far the machine's load moved shows
as their difference). Writes bench-results/wrk.json.
It never fails on timings; it exits 1 when an answer was not 2xx or wrk saw socket errors.

Environment:
  WRK_SECONDS (6), WRK_CONNECTIONS (32), WRK_THREADS (2), WRK_WARMUP seconds per endpoint (1)
  WRK_ATTEMPTS        open attempts the saves rotate over (default 200)
  WRK_DASHBOARD_MEMBERS / WRK_DASHBOARD_UNITS  the dashboard's class (default 500 x 60)
  WRK_RESULTS         where to write the JSON (default bench-results/wrk.json)
  BENCH_DATABASE_URL  a throwaway PostgreSQL database instead of a temp SQLite file
  BENCH_APP_ROOT      run another checkout's code (an older commit), with this script and venv
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

from .content import COURSE, EXAM_SLUG
from .login import LoginError, api_token
from .options import env_number
from .server import PROJECT_ROOT, BenchServer, ServerError, ensure_account, flask_cli

UNIT_SLUG = "why-online"
HEAD_USERNAME = "benchhead"
CLASS_CODE = "BENCH-WRK"
REPORT_LUA = Path(__file__).with_name("wrk_report.lua")
JSON_LINE = re.compile(r"^WRK_JSON (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Settings:
    seconds: int
    connections: int
    threads: int
    warmup: int
    attempts: int
    dashboard_members: int
    dashboard_units: int

    @classmethod
    def from_env(cls) -> Settings:
        def number(name: str, default: int) -> int:
            return int(env_number(name, default))
        return cls(number("WRK_SECONDS", 6), number("WRK_CONNECTIONS", 32), number("WRK_THREADS", 2),
                   number("WRK_WARMUP", 1), number("WRK_ATTEMPTS", 200),
                   number("WRK_DASHBOARD_MEMBERS", 500), number("WRK_DASHBOARD_UNITS", 60))


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    path: str  # for the table; a rotating target's first path
    headers: dict[str, str]
    method: str = "GET"
    rotation: list[dict] | None = None  # {"path", "auth", "bodies"}: one request each in turn


# --- seeding -------------------------------------------------------------------------------

def seed_members(server: BenchServer, count: int) -> list[dict]:
    """seed.py's members and tokens, run with the app checkout's code on the path (its own
    seed.py may differ or be missing in an older checkout)."""
    code = ("import runpy, sys; sys.argv = ['seed', sys.argv[1]]; "
            f"runpy.run_path({str(PROJECT_ROOT / 'tests' / 'bench' / 'seed.py')!r}, run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", code, str(count)], cwd=server.app_root,
                            env=server.env, capture_output=True, text=True)
    lines = result.stdout.strip().splitlines()
    members = json.loads(lines[-1]) if result.returncode == 0 and lines else None
    if not isinstance(members, list) or len(members) != count:
        raise ServerError(f"seeding {count} members failed:\n{result.stderr[-2000:]}")
    return members


def start_attempt(base_url: str, token: str) -> dict:
    response = requests.post(f"{base_url}/api/v1/courses/{COURSE}/quizzes/{EXAM_SLUG}/attempts",
                             headers={"Authorization": f"Bearer {token}"}, timeout=60)
    if response.status_code not in (200, 201):
        raise ServerError(f"starting the bench exam answered {response.status_code}: {response.text[:300]}")
    return response.json()


def saves_rotation(base_url: str, members: list[dict]) -> list[dict]:
    """Every (attempt, choice question) of the members' open attempts, ordered so that
    consecutive requests go to different attempts, each with its option ids as bodies."""
    with ThreadPoolExecutor(4) as pool:
        attempts = list(pool.map(lambda m: (m["token"], start_attempt(base_url, m["token"])), members))
    per_attempt = []
    for token, attempt in attempts:
        per_attempt.append([
            {"path": f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
             "auth": f"Bearer {token}",
             "bodies": [json.dumps({"response": option["id"]}) for option in question["options"]]}
            for question in attempt["questions"] if len(question.get("options") or ()) >= 2])
    depth = max(len(entries) for entries in per_attempt)
    return [entries[n] for n in range(depth) for entries in per_attempt if n < len(entries)]


def seed_dashboard_class(server: BenchServer, settings: Settings, password: str) -> int:
    ensure_account(server.env, HEAD_USERNAME, "staff", password, server.app_root)
    result = flask_cli(server.env, "progress", "seed-demo", CLASS_CODE,
                       "--members", str(settings.dashboard_members), "--units", str(settings.dashboard_units),
                       "--head", HEAD_USERNAME, "--seed", "8", cwd=server.app_root)
    found = re.search(r"\(id (\d+)\)", result.stdout)
    if result.returncode != 0 or not found:
        raise ServerError(f"progress seed-demo failed:\n{result.stderr[-2000:]}{result.stdout[-500:]}")
    return int(found.group(1))


def targets(server: BenchServer, settings: Settings) -> list[Target]:
    base = server.base_url
    print("Seeding: tokens, a class of "
          f"{settings.dashboard_members} members, {settings.attempts} open attempts ...", flush=True)
    member = {"Authorization": f"Bearer {api_token(base)}"}
    head_password = secrets.token_urlsafe(16)
    class_id = seed_dashboard_class(server, settings, head_password)
    head = {"Authorization": f"Bearer {api_token(base, HEAD_USERNAME, head_password)}"}
    rotation = saves_rotation(base, seed_members(server, settings.attempts))
    return [
        Target("healthz", "GET /healthz", "/healthz", {}),
        Target("unit_api", "unit API (member, bearer)", f"/api/v1/courses/{COURSE}/units/{UNIT_SLUG}", member),
        Target("autosave", f"autosave PUT ({settings.attempts} attempts)", rotation[0]["path"], {},
               method="PUT", rotation=rotation),
        Target("dashboard", f"class progress API ({settings.dashboard_members} members, limit 100)",
               f"/api/v1/classes/{class_id}/progress?limit=100", head),
        Target("healthz_end", "GET /healthz (again, at the end)", "/healthz", {}),
    ]


def check_once(base_url: str, target: Target) -> None:
    """One request by hand first: a wrong status says what came back, not just a count."""
    if target.rotation:
        entry = target.rotation[0]
        response = requests.put(base_url + entry["path"], data=entry["bodies"][0], timeout=60,
                                headers={"Authorization": entry["auth"], "Content-Type": "application/json"})
    else:
        response = requests.get(base_url + target.path, headers=target.headers, timeout=60)
    if response.status_code != 200:
        raise ServerError(f"{target.method} {target.path} answered {response.status_code}: {response.text[:300]}")


# --- wrk -------------------------------------------------------------------------------------

def lua_string(text: str) -> str:
    """A Lua literal for plain ASCII text (JSON's escapes for quotes and backslashes are Lua's)."""
    if not text.isascii() or any(ord(c) < 32 for c in text):
        raise ValueError(f"not plain ASCII: {text!r}")
    return json.dumps(text)


def write_script(target: Target, settings: Settings, folder: Path) -> Path:
    lines = [f"THREADS = {settings.threads}", f"METHOD = {lua_string(target.method)}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in target.headers.items()]
    if target.rotation:
        lines.append("ROTATION = {")
        for entry in target.rotation:
            bodies = ", ".join(lua_string(body) for body in entry["bodies"])
            lines.append(f"  {{path = {lua_string(entry['path'])}, auth = {lua_string(entry['auth'])}, "
                         f"bodies = {{{bodies}}}}},")
        lines.append("}")
    lines.append(f"dofile({lua_string(str(REPORT_LUA))})")
    script = folder / f"wrk_{target.name}.lua"
    script.write_text("\n".join(lines) + "\n", encoding="ascii")
    return script


def wrk_figures(base_url: str, path: str, script: Path, settings: Settings, seconds: int) -> dict:
    """Run wrk once against `path` with a Lua script that prints its JSON line; the figures."""
    command = ["wrk", f"-t{settings.threads}", f"-c{settings.connections}", f"-d{seconds}s",
               "--latency", "--timeout", "10s", "-s", str(script), base_url + path]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    drain(base_url)
    found = JSON_LINE.search(result.stdout)
    if result.returncode != 0 or not found:
        raise ServerError(f"wrk failed ({result.returncode}):\n{result.stderr[-1500:]}{result.stdout[-1500:]}")
    return json.loads(found.group(1))


def run_wrk(base_url: str, target: Target, script: Path, settings: Settings, seconds: int) -> dict:
    raw = wrk_figures(base_url, target.path, script, settings, seconds)
    socket_errors = {k: v for k, v in raw["errors"].items() if k != "status" and v}
    return {
        "name": target.name, "label": target.label, "method": target.method, "path": target.path,
        "requests": raw["requests"], "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
        "non2xx": raw["non2xx"], "first_non2xx": raw["first_bad"], "socket_errors": socket_errors,
    }


def drain(base_url: str) -> None:
    """Wait out the requests wrk left queued when it stopped (sync workers still serve them,
    to closed connections): else the next endpoint's window starts behind them. /healthz
    queues behind them; twice, so the other worker has taken its last one too."""
    for _ in range(2):
        requests.get(f"{base_url}/healthz", timeout=120)


def measure(server: BenchServer, settings: Settings) -> list[dict]:
    worker = re.search(r"Using worker: (\w+)", server.log_tail(200))
    if not worker or worker.group(1) != "sync":  # the figures compare sync workers only
        raise ServerError(f"gunicorn did not start sync workers:\n{server.log_tail()}")
    results = []
    try:
        for target in targets(server, settings):
            check_once(server.base_url, target)
            script = write_script(target, settings, server.workdir)
            if settings.warmup:  # each worker loads the course index and templates before the window
                run_wrk(server.base_url, target, script, settings, settings.warmup)
            print(f"wrk {target.label}: {settings.seconds} s, {settings.connections} connections ...", flush=True)
            results.append(run_wrk(server.base_url, target, script, settings, settings.seconds))
    except ServerError as error:  # the log goes with the server's temp dir
        raise ServerError(f"{error}\n--- gunicorn log (last lines) ---\n{server.log_tail()}") from None
    # The machine's load drifts (other work shares the cores): the base is the mean of the
    # /healthz runs that open and close the series.
    baseline = (results[0]["rps"] + results[-1]["rps"]) / 2
    for result in results:
        result["ratio"] = round(result["rps"] / baseline, 3) if baseline else None
    return results


# --- report ----------------------------------------------------------------------------------

def checkout(app_root: Path) -> dict:
    """The measured code: its commit, and whether learnhub/ had uncommitted changes."""
    def git(*args: str) -> str:
        result = subprocess.run(["git", "-C", str(app_root), *args], capture_output=True, text=True)
        return result.stdout.strip()
    return {"app_root": str(app_root), "commit": git("rev-parse", "--short", "HEAD") or None,
            "learnhub_dirty": bool(git("status", "--porcelain", "--", "learnhub"))}


def print_table(results: list[dict], about: dict) -> None:
    print(f"\n{about['database']} | {about['app_root']} @ {about['commit']}"
          f"{' (+ uncommitted changes)' if about['learnhub_dirty'] else ''} | gunicorn 2 sync workers | "
          f"wrk -t{about['threads']} -c{about['connections']} -d{about['seconds']}s | "
          "ratio: to the mean of both /healthz runs\n"
          f"load average (1, 5, 15 min) at the start {about['load_average']['start']}, "
          f"at the end {about['load_average']['end']} ({os.cpu_count()} cores)")
    header = f"{'endpoint':<48} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  errors"
    print(header + "\n" + "-" * len(header))
    for r in results:
        errors = ", ".join(f"{k} {v}" for k, v in r["socket_errors"].items()) or "-"
        print(f"{r['label']:<48} {r['rps']:>8.0f} {r['ratio']:>6.2f} {r['latency_ms']['p50']:>8.1f} "
              f"{r['latency_ms']['p99']:>8.1f} {r['non2xx']:>8}  {errors}")
    for r in results:
        if r["non2xx"]:
            print(f"{r['name']}: first answer other than 2xx: {r['first_non2xx']}", file=sys.stderr)


def main() -> int:
    if shutil.which("wrk") is None:
        print("bench-wrk: wrk is not installed; install it with `apt-get install wrk` "
              "(Debian/Ubuntu) and run again", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a killed make still stops gunicorn
    settings = Settings.from_env()
    app_root = Path(os.environ.get("BENCH_APP_ROOT") or PROJECT_ROOT).resolve()
    if not (app_root / "wsgi.py").is_file():
        print(f"bench-wrk: BENCH_APP_ROOT {app_root} has no wsgi.py", file=sys.stderr)
        return 2
    about = {**checkout(app_root), "database": (os.environ.get("BENCH_DATABASE_URL") or "sqlite").split(":", 1)[0],
             "threads": settings.threads, "connections": settings.connections, "seconds": settings.seconds}
    load_start = [round(x, 2) for x in os.getloadavg()]  # other work on the machine shows here
    print(f"Preparing a throwaway database and starting gunicorn from {app_root} ...", flush=True)
    try:
        with BenchServer(app_root, {"GUNICORN_WORKER_CLASS": "sync", "WEB_CONCURRENCY": "2"}) as server:
            results = measure(server, settings)
    except (ServerError, LoginError) as error:
        print(f"bench-wrk: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench-wrk: interrupted; the server was stopped", file=sys.stderr)
        return 130
    about["load_average"] = {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]}
    print_table(results, about)
    path = Path(os.environ.get("WRK_RESULTS") or PROJECT_ROOT / "bench-results" / "wrk.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**about, "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {path}")
    if any(r["non2xx"] or r["socket_errors"] for r in results):
        print("bench-wrk: some answers were not 2xx or the connections failed (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
