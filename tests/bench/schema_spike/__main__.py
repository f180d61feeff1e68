"""`python -m tests.bench.schema_spike`: seed, serve, measure with wrk, dump; prints RESULTS rows.

gunicorn with 2 sync workers on a throwaway SQLite database (tests/bench/server.py), the
spike's app (app.py). For each endpoint the three variants run in turn, ROUNDS times
(interleaved, so a noisy neighbour hits all three alike); the median round is reported with
/healthz measured in the same run. Environment: SPIKE_SECONDS (6), SPIKE_ROUNDS (5),
SPIKE_MEMBERS (500, the dashboard class), SPIKE_SAVERS (32 members saving answers).
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import requests

from ..content import COURSE, EXAM_SLUG
from ..server import BENCH_PASSWORD, BENCH_USERNAME, PROJECT_ROOT, BenchServer, ServerError, flask_cli

WRK = "/usr/bin/wrk"
SECONDS = int(os.environ.get("SPIKE_SECONDS", "6"))
ROUNDS = int(os.environ.get("SPIKE_ROUNDS", "5"))
MEMBERS = int(os.environ.get("SPIKE_MEMBERS", "500"))
SAVERS = int(os.environ.get("SPIKE_SAVERS", "32"))
VARIANTS = {"/api/v1 (the code as it is)": "/api/v1", "pydantic v2": "/api/spike/pyd",
            "marshmallow (flask-smorest)": "/api/spike/mm"}
CONNECTIONS = {"healthz": 32, "put": 32, "dashboard": 8}  # the dashboard: ~100 ms a request


class SpikeServer(BenchServer):
    """The bench server, with sync workers and the spike's app."""

    def _start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync",
                   "--bind", f"127.0.0.1:{self.port}", "tests.bench.schema_spike.app:app"]
        with open(self._log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)


def run_json(server: BenchServer, module: str, *args: str):
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=PROJECT_ROOT, env=server.env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise ServerError(f"{module} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def seed_class(server: BenchServer) -> int:
    result = flask_cli(server.env, "progress", "seed-demo", "SPIKE-DASH", "--members", str(MEMBERS),
                       "--units", "60", "--head", BENCH_USERNAME, "--seed", "8")
    found = re.search(r"\(id (\d+)\)", result.stdout)
    if result.returncode != 0 or not found:
        raise ServerError(f"progress seed-demo failed:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def save_entries(server: BenchServer) -> list[tuple[str, str, str]]:
    """(path after the prefix, token, body): every saver's every question and option."""
    entries = []
    for member in run_json(server, "tests.bench.seed", str(SAVERS)):
        started = requests.post(f"{server.base_url}/api/v1/courses/{COURSE}/quizzes/{EXAM_SLUG}/attempts",
                                headers={"Authorization": f"Bearer {member['token']}"}, timeout=30)
        if started.status_code not in (200, 201):
            raise ServerError(f"start attempt: {started.status_code} {started.text[:300]}")
        attempt = started.json()
        for question in attempt["questions"]:
            for option in question["options"]:
                entries.append((f"/attempts/{attempt['id']}/answers/{question['id']}", member["token"],
                                json.dumps({"response": option["id"]})))
    return entries


def lua_script(workdir: Path, prefix: str, entries: list[tuple[str, str, str]]) -> Path:
    """A wrk script that PUTs the entries in turn (the values and attempts rotate)."""
    def quoted(text: str) -> str:
        return json.dumps(text)  # a JSON string literal is a valid Lua string here (ASCII)

    rows = ",\n".join(f"  {{{quoted(prefix + path)}, {quoted('Bearer ' + token)}, {quoted(body)}}}"
                      for path, token, body in entries)
    script = workdir / f"put{abs(hash(prefix))}.lua"
    script.write_text(f"""local entries = {{
{rows}
}}
local i = 0
request = function()
  i = i + 1
  local e = entries[(i % #entries) + 1]
  return wrk.format("PUT", e[1], {{["Authorization"] = e[2], ["Content-Type"] = "application/json"}}, e[3])
end
""")
    return script


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, connections: int, script: Path | None = None, headers: tuple[str, ...] = ()) -> dict:
    command = [WRK, "-t2", f"-c{connections}", f"-d{SECONDS}s", "--timeout", "10s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + [url], capture_output=True, text=True, timeout=SECONDS + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: float(v) * UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": latency.get("50"), "p99": latency.get("99"),
            "non2xx": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(1) if errors else "",
            "command": " ".join("<script>.lua" if script and part == str(script) else
                                "Authorization: Bearer <token>" if part in headers else part
                                for part in command) + " URL"}


def median_round(results: list[dict], healthz: list[dict]) -> dict:
    """The median round by req/s; the ratio is the median of each round's own ratio to the
    /healthz run just before it (the machine's load changes between rounds)."""
    ordered = sorted(results, key=lambda r: r["rps"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["rounds_rps"] = [round(r["rps"], 1) for r in results]
    chosen["ratio"] = statistics.median(r["rps"] / h["rps"] for r, h in zip(results, healthz, strict=True))
    return chosen


def measure(server: BenchServer, class_id: int, token: str, entries) -> dict:
    base = server.base_url
    scripts = {name: lua_script(server.workdir, prefix, entries) for name, prefix in VARIANTS.items()}
    auth = (f"Authorization: Bearer {token}",)
    for prefix in VARIANTS.values():  # each worker warm on each path (the content index too)
        for _ in range(4):
            requests.get(f"{base}{prefix}/classes/{class_id}/progress?limit=100",
                         headers={"Authorization": f"Bearer {token}"}, timeout=60).raise_for_status()
    runs: dict[str, list] = {"healthz": []}
    for round_no in range(ROUNDS):
        print(f"round {round_no + 1}/{ROUNDS} ...", flush=True)
        runs["healthz"].append(wrk(f"{base}/healthz", CONNECTIONS["healthz"]))
        for name, prefix in VARIANTS.items():
            runs.setdefault(("put", name), []).append(
                wrk(f"{base}{prefix}/attempts", CONNECTIONS["put"], scripts[name]))
        for name, prefix in VARIANTS.items():
            runs.setdefault(("dashboard", name), []).append(
                wrk(f"{base}{prefix}/classes/{class_id}/progress?limit=100", CONNECTIONS["dashboard"],
                    headers=auth))
    return {key: median_round(value, runs["healthz"]) for key, value in runs.items()}


def table(results: dict) -> str:
    healthz = results["healthz"]
    lines = ["| endpoint | variant | req/s | p50 ms | p99 ms | ratio to /healthz (median of rounds) | non-2xx | "
             "req/s of each round |",
             "|---|---|---:|---:|---:|---:|---:|---|",
             f"| /healthz | - | {healthz['rps']:.0f} | {healthz['p50']:.1f} | {healthz['p99']:.1f} | 1 | "
             f"{healthz['non2xx']} | {healthz['rounds_rps']} |"]
    for endpoint, label in (("put", "PUT attempts/{id}/answers/{q}"), ("dashboard", "GET classes/{id}/progress?limit=100")):
        for name in VARIANTS:
            r = results[(endpoint, name)]
            lines.append(f"| {label} | {name} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | "
                         f"{r['ratio']:.4f} | {r['non2xx']} | {r['rounds_rps']} |")
    return "\n".join(lines)


def main() -> int:
    with SpikeServer() as server:
        print("Seeding: a class of", MEMBERS, "members, and", SAVERS, "members with an open exam ...", flush=True)
        class_id = seed_class(server)
        token = requests.post(f"{server.base_url}/api/v1/auth/token", timeout=30,
                              json={"username": BENCH_USERNAME, "password": BENCH_PASSWORD}).json()["token"]
        entries = save_entries(server)
        results = measure(server, class_id, token, entries)
        print("Timed dump ...", flush=True)
        dump = run_json(server, "tests.bench.schema_spike.dump", str(class_id), "200")
    print(table(results))
    print()
    print(f"Timed dump: {dump['rows']} rows x {dump['repeat']} (same JSON each way: "
          f"{'yes' if not dump['mismatched'] else 'NO: ' + ', '.join(dump['mismatched'])})")
    print("| way | total s | ms per dump |")
    print("|---|---:|---:|")
    for name, seconds in dump["seconds"].items():
        print(f"| {name} | {seconds:.2f} | {1000 * seconds / dump['repeat']:.1f} |")
    print()
    print("| autosave body check | microseconds per body |")
    print("|---|---:|")
    for name, micros in dump["body"].items():
        print(f"| {name} | {micros:.2f} |")
    print()
    print("wrk commands:", results["healthz"]["command"], "|", results[("put", next(iter(VARIANTS)))]["command"],
          "|", results[("dashboard", next(iter(VARIANTS)))]["command"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
