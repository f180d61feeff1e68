"""wrk, driven from Python: one load run per endpoint, the figures and their table.

wrk (a C load generator, Debian's package) keeps up with the app on the same two cores where
locust tops out near 1,000 requests/s. Each run uses a Lua script written here (the target's
headers, body and, for requests that differ, a rotation of paths, tokens and bodies) that
loads wrk_report.lua: it counts the answers by status, those not expected, and prints the
figures as one JSON line. Used by the hot paths (tests/bench/hotpaths) and the discussions
bench (tests/bench/discussions.py).

A series of targets opens and closes with /healthz; every figure is also given as a ratio to
the mean of those two runs (the machine's load drifts: their difference shows how much).
Nothing here fails on timings: a wrong status or a socket error is what counts.

Environment: WRK_SECONDS (6), WRK_CONNECTIONS (32), WRK_THREADS (2), WRK_WARMUP seconds per
endpoint before its window (1).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import requests

from .options import env_number
from .server import ServerError

REPORT_LUA = Path(__file__).with_name("wrk_report.lua")
JSON_LINE = re.compile(r"^WRK_JSON (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Settings:
    seconds: int
    connections: int
    threads: int
    warmup: int

    @classmethod
    def from_env(cls) -> Settings:
        def number(name: str, default: int) -> int:
            return int(env_number(name, default))
        return cls(number("WRK_SECONDS", 6), number("WRK_CONNECTIONS", 32), number("WRK_THREADS", 2),
                   number("WRK_WARMUP", 1))


@dataclass(frozen=True)
class Target:
    """One endpoint under load. A rotation entry is {"path", "auth" (the Authorization header),
    "bodies"? (sent in turn; else `body`)}; each entry is sent by one wrk thread."""
    name: str
    label: str
    path: str  # the URL's path; a rotation's first, for the table
    headers: dict[str, str]
    method: str = "GET"
    body: str | None = None
    rotation: tuple[dict, ...] = ()
    once: bool = False  # each rotation entry once (a member starts an exam once), then stop
    warmup_rotation: tuple[dict, ...] = ()  # a once target's own entries for the check and warm-up
    expect: tuple[int, ...] = ()  # the statuses allowed; () any 2xx
    goal: float | None = None  # the ratio to /healthz asked for (issue 15)
    max_seconds: int | None = None  # a window no longer than this (a check-in code's life)
    refresh: Callable[[Target], Target] | None = None  # called before each run (a code that rotates)

    def fresh(self) -> Target:
        return self.refresh(self) if self.refresh else self

    def allows(self, status: int) -> bool:
        return status in self.expect if self.expect else 200 <= status <= 299


# --- scripts and runs ------------------------------------------------------------------------

def lua_string(text: str) -> str:
    """A Lua literal for plain ASCII text (JSON's escapes for quotes and backslashes are Lua's)."""
    if not text.isascii() or any(ord(c) < 32 for c in text):
        raise ValueError(f"not plain ASCII: {text!r}")
    return json.dumps(text)


def rotation_lua(entries: tuple[dict, ...]) -> list[str]:
    lines = ["ROTATION = {"]
    for entry in entries:
        bodies = ""
        if entry.get("bodies"):
            bodies = ", bodies = {" + ", ".join(lua_string(body) for body in entry["bodies"]) + "}"
        lines.append(f"  {{path = {lua_string(entry['path'])}, auth = {lua_string(entry['auth'])}{bodies}}},")
    return lines + ["}"]


def write_script(target: Target, threads: int, folder: Path, rotation: tuple[dict, ...] = ()) -> Path:
    lines = [f"THREADS = {threads}", f"METHOD = {lua_string(target.method)}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in target.headers.items()]
    if target.body is not None:
        lines.append(f"BODY = {lua_string(target.body)}")
    if target.expect:
        lines.append("EXPECT = {" + ", ".join(f"[{status}] = true" for status in target.expect) + "}")
    if rotation:
        lines += rotation_lua(rotation)
        lines.append(f"ONCE = {'true' if target.once else 'false'}")
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


def drain(base_url: str) -> None:
    """Wait out the requests wrk left queued when it stopped (sync workers still serve them,
    to closed connections): else the next endpoint's window starts behind them. /healthz
    queues behind them; twice, so the other worker has taken its last one too."""
    for _ in range(2):
        requests.get(f"{base_url}/healthz", timeout=120)


def run_target(base_url: str, target: Target, settings: Settings, folder: Path, seconds: int,
               warmup: bool = False) -> dict:
    rotation = target.warmup_rotation[1:] if warmup and target.once else target.rotation
    seconds = min(seconds, target.max_seconds or seconds)
    script = write_script(target, settings.threads, folder, rotation)
    raw = wrk_figures(base_url, target.path, script, settings, seconds)
    # A once target may stop before wrk's -d: its rate is over the span it was answered in.
    span_us = raw["answered_span_us"] if target.once else raw["duration_us"]
    result = {
        "name": target.name, "label": target.label, "method": target.method, "path": target.path,
        "window_seconds": round(span_us / 1e6, 2), "requests": raw["requests"],
        "rps": round(raw["requests"] / (span_us / 1e6), 1) if span_us else 0.0,
        "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
        "statuses": dict(sorted(raw["statuses"].items())), "unexpected": raw["unexpected"],
        "first_unexpected": raw["first_bad"], "socket_errors": {k: v for k, v in raw["errors"].items() if v},
        "goal": target.goal,
    }
    if target.once:
        result["once"] = {"entries": len(rotation), "sent": raw["sent"], "ran_out": raw["spent"]}
    return result


def unmeasured(target: Target, error: str) -> dict:
    """The row of an endpoint whose request by hand got a wrong answer."""
    return {"name": target.name, "label": target.label, "method": target.method, "path": target.path,
            "window_seconds": 0, "requests": 0, "rps": 0.0, "latency_ms": dict.fromkeys(("p50", "p95", "p99"), 0.0),
            "statuses": {}, "unexpected": 1, "first_unexpected": error[:300], "socket_errors": {},
            "goal": target.goal, "not_measured": True}


def check_once(base_url: str, target: Target) -> None:
    """One request by hand first: a wrong status says what came back, not just a count."""
    entry = (target.warmup_rotation if target.once else target.rotation or ({},))[0]
    headers = dict(target.headers)
    if entry.get("auth"):
        headers["Authorization"] = entry["auth"]
    body = (entry.get("bodies") or [target.body])[0]
    response = requests.request(target.method, base_url + entry.get("path", target.path), data=body,
                                headers=headers, timeout=60, allow_redirects=False)
    if not target.allows(response.status_code):
        raise ServerError(f"{target.method} {target.path} answered {response.status_code}: {response.text[:300]}")


def conditional(base_url: str, target: Target) -> Target:
    """`target` asking with the ETag of its current 200 (If-None-Match): a poll answered 304."""
    response = requests.get(base_url + target.path, headers=target.headers, timeout=60)
    etag = response.headers.get("ETag")
    if response.status_code != 200 or not etag:
        raise ServerError(f"GET {target.path} answered {response.status_code} with ETag {etag!r}: "
                          f"{response.text[:300]}")
    return replace(target, headers={**target.headers, "If-None-Match": etag}, expect=(304,))


def measure(base_url: str, targets: list[Target], settings: Settings, folder: Path) -> list[dict]:
    """Each target: checked once by hand, warmed up, measured. The first and the last target
    are /healthz: the ratios are to the mean of their rates."""
    results = []
    for target in targets:
        try:
            check_once(base_url, target.fresh())
        except ServerError as error:  # this endpoint is broken: say so, measure the others
            print(f"wrk {target.label}: not measured: {error}", file=sys.stderr)
            results.append(unmeasured(target, str(error)))
            continue
        if settings.warmup:  # each worker loads its caches and templates before the window
            run_target(base_url, target.fresh(), settings, folder, settings.warmup, warmup=True)
        target = target.fresh()
        seconds = min(settings.seconds, target.max_seconds or settings.seconds)
        print(f"wrk {target.label}: {seconds} s, {settings.connections} connections ...", flush=True)
        results.append(run_target(base_url, target, settings, folder, settings.seconds))
    baseline = (results[0]["rps"] + results[-1]["rps"]) / 2
    for result in results:
        result["ratio"] = round(result["rps"] / baseline, 3) if baseline else None
    return results


def failed(results: list[dict]) -> bool:
    return any(r["unexpected"] or r["socket_errors"] for r in results)


# --- the machine and the table ------------------------------------------------------------------

def checkout(app_root: Path) -> dict:
    """The measured code: its commit, and whether learnhub/ had uncommitted changes."""
    def git(*args: str) -> str:
        result = subprocess.run(["git", "-C", str(app_root), *args], capture_output=True, text=True)
        return result.stdout.strip()
    return {"app_root": str(app_root), "commit": git("rev-parse", "--short", "HEAD") or None,
            "learnhub_dirty": bool(git("status", "--porcelain", "--", "learnhub"))}


def save_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWritten to {path}")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def answers_text(result: dict) -> str:
    if result.get("not_measured"):
        return "NOT MEASURED: the request by hand got a wrong answer"
    statuses = ", ".join(f"{status} x{count}" for status, count in result["statuses"].items())
    notes = [statuses]
    once = result.get("once")
    if once:
        notes.append(f"{once['sent']} of {once['entries']} sent, once each"
                     f"{' (all: the run stopped early)' if once['ran_out'] else ''}")
    if result["socket_errors"]:
        notes.append("socket errors: " + ", ".join(f"{k} {v}" for k, v in result["socket_errors"].items()))
    return "; ".join(notes)


def print_table(results: list[dict], about: dict, title: str) -> None:
    load = about["load_average"]
    print(f"\n{title} | {about['database']} | {about['app_root']} @ {about['commit']}"
          f"{' (+ uncommitted changes)' if about['learnhub_dirty'] else ''} | gunicorn {about['workers']} "
          f"{about['worker_class']} workers | wrk -t{about['threads']} -c{about['connections']} "
          f"-d{about['seconds']}s | ratio: to the mean of both /healthz runs\n"
          f"load average (1, 5, 15 min) at the start {load['start']}, at the end {load['end']} "
          f"({os.cpu_count()} cores)")
    header = (f"{'endpoint':<44} {'req/s':>7} {'ratio':>6} {'goal':>5} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'wrong':>6}  answers")
    print(header + "\n" + "-" * (len(header) + 24))
    for r in results:
        goal = f"{r['goal']:.2f}" if r.get("goal") else ""
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        latency = r["latency_ms"]
        print(f"{r['label']:<44} {r['rps']:>7.0f} {ratio:>6} {goal:>5} {latency['p50']:>7.1f} "
              f"{latency['p95']:>7.1f} {latency['p99']:>7.1f} {r['unexpected']:>6}  {answers_text(r)}")
    for r in results:
        if r["unexpected"]:
            print(f"{r['name']}: first unexpected answer: {r['first_unexpected']}", file=sys.stderr)
