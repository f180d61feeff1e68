"""The staff class dashboard: a class of BENCH_DASHBOARD_MEMBERS members (default 2,000) and
a course of BENCH_DASHBOARD_UNITS units (default 60), filled once by `flask progress
seed-demo` with the bench member as head teacher; then its page and its XLSX export.

Few users on purpose (a class's staff, not its members, open it): 2 for the page, 1 for the
export, so the figures are the page's own latency rather than a queue. Goal (issue 8):
page p95 under 300 ms, export under 3 s.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import requests
from locust import FastHttpUser

from .options import env_number
from .server import BENCH_USERNAME, ServerError, flask_cli

if TYPE_CHECKING:
    from .scenarios import Context

CODE = "BENCH-DASH"
_class_ids: dict[str, int] = {}  # per server: seeded once for both scenarios


def seeded_class(ctx: Context) -> int:
    key = ctx.server.base_url
    if key not in _class_ids:
        members = int(env_number("BENCH_DASHBOARD_MEMBERS", 2000))
        units = int(env_number("BENCH_DASHBOARD_UNITS", 60))
        print(f"Seeding class {CODE}: {members} members, {units} units ...", flush=True)
        result = flask_cli(ctx.server.env, "progress", "seed-demo", CODE, "--members", str(members),
                           "--units", str(units), "--head", BENCH_USERNAME, "--seed", "8")
        found = re.search(r"\(id (\d+)\)", result.stdout)
        if result.returncode != 0 or not found:
            raise ServerError(f"progress seed-demo failed:\n{result.stderr[-2000:]}{result.stdout[-500:]}")
        print(result.stdout.strip(), flush=True)
        _class_ids[key] = int(found.group(1))
    return _class_ids[key]


def _user(ctx: Context, path: str, warm: int) -> type[FastHttpUser]:
    """GETs `path`; a few requests first, so each worker has re-indexed the new course (it
    notices content/ changed) before the measured window."""
    from .scenarios import get_200

    headers = {"Cookie": f"session={ctx.credentials.session_cookie}", "User-Agent": ctx.credentials.user_agent}
    for _ in range(warm):
        response = requests.get(ctx.server.base_url + path, headers=headers, allow_redirects=False, timeout=60)
        if response.status_code != 200:
            raise ServerError(f"GET {path} answered {response.status_code} to the bench head teacher")
    return get_200(path, ctx.credentials.user_agent, {"Cookie": headers["Cookie"]})


def page_user(ctx: Context) -> type[FastHttpUser]:
    return _user(ctx, f"/classes/{seeded_class(ctx)}/progress", warm=6)


def export_user(ctx: Context) -> type[FastHttpUser]:
    return _user(ctx, f"/classes/{seeded_class(ctx)}/progress.xlsx", warm=2)
