"""`python -m tests.fuzz`: start the server, seed it, run schemathesis, report (see __init__)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.bench.content import COURSE, EXAM_SLUG
from tests.bench.server import PROJECT_ROOT, BenchServer, ServerError
from tests.faults.serverlog import summarise, unhandled_errors

DEFAULT_SECONDS = 100
# What the fuzzer is held to: no 5xx, only documented statuses, documented content types
# and response bodies. (negative_data_rejection and friends are API-design opinions, not
# the contract; they stay off.)
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "ignored_auth", "ensure_resource_availability")
PRACTICE_QUIZ = "check-your-understanding"
MISSING_ID = 2_000_000_000  # within the route's int range, never an attempt here


def seed_members(server: BenchServer, count: int) -> list[dict]:
    """Members with one API token each, through tests/bench/seed.py (the server's environment)."""
    result = subprocess.run([sys.executable, "-m", "tests.bench.seed", str(count)], cwd=PROJECT_ROOT,
                            env=server.env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ServerError(f"seeding members failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Api:
    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, expected: tuple[int, ...] = (200,), **kwargs) -> dict:
        response = self.session.request(method, self.base_url + path, timeout=10, **kwargs)
        if response.status_code not in expected:
            raise ServerError(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else {}


def seed_objects(member: Api, other: Api, saver: Api) -> dict[str, list]:
    """Open attempts and the ids to offer the fuzzer, real ones mixed with missing ones: the
    member's on two quizzes, another member's, and the saver's (see write_config)."""
    courses = [c["slug"] for c in member.call("GET", "/api/v1/courses?limit=100")["items"]]
    course = member.call("GET", f"/api/v1/courses/{COURSE}")
    started = {}
    for name, api, quiz in (("exam", member, EXAM_SLUG), ("practice", member, PRACTICE_QUIZ),
                            ("others", other, EXAM_SLUG), ("saver", saver, PRACTICE_QUIZ)):
        started[name] = api.call("POST", f"/api/v1/courses/{COURSE}/quizzes/{quiz}/attempts", (200, 201))

    def question_ids(*names):
        return [q["id"] for name in names for q in started[name]["questions"]]

    return {
        "courses": courses + ["no-such-course"],
        "units": [u["slug"] for u in course["units"]] + ["no-such-unit"],
        "quizzes": [q["slug"] for q in course["quizzes"]] + ["no-such-quiz"],
        "attempts": [started[name]["id"] for name in ("exam", "practice", "others")] + [MISSING_ID],
        "questions": question_ids("exam", "practice", "others") + [MISSING_ID],
        "saver_attempt": [started["saver"]["id"]],
        "saver_questions": question_ids("saver"),
        # Valid answers are rare at random: option ids of the saver's questions, and more.
        "saver_responses": [option["id"] for question in started["saver"]["questions"]
                            for option in question.get("options") or []
                            if isinstance(option, dict)] + ["server", "Beijing", "3.14", 3],
    }


def toml_value(value) -> str:
    """Strings, numbers, lists and flat tables: JSON spells them as TOML does (ASCII only)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=True)


def binding(dictionary: str, probability: float = 0.8) -> dict:
    return {"dictionary": dictionary, "probability": probability}


def bearer(tokens: dict[str, str], name: str) -> str:
    return toml_value({"Authorization": f"Bearer {tokens[name]}"})


def write_config(path: Path, tokens: dict[str, str], ids: dict[str, list], seconds: int) -> Path:
    """schemathesis.toml for this run (the ids and tokens are this run's)."""
    saver_parameters = {"path.id": binding("saver_attempt", 0.9),
                        "path.question_id": binding("saver_questions", 0.9),
                        "body.response": binding("saver_responses", 0.5)}
    bindings = {"path.course": "courses", "path.unit": "units", "path.quiz": "quizzes",
                "path.id": "attempts", "path.question_id": "questions"}
    lines = [
        f"max-time = {seconds}",
        # One worker: with several threads, hypothesis' ast.parse of its lambdas hits a
        # CPython 3.11 bug ("AST constructor recursion depth mismatch", python/cpython#106905).
        "workers = 1",
        "request-timeout = 15",
        f"headers = {bearer(tokens, 'member')}",
        # Nothing is excluded: no operation, no check, no kind of generated input.
        "",
        "[dictionaries]",
        *(f"{name} = {toml_value({'values': values})}" for name, values in ids.items()),
        "",
        "[parameters]",
        # Most generated path values are seeded ids (real or missing), the rest random.
        *(f"{json.dumps(key)} = {toml_value(binding(name))}" for key, name in bindings.items()),
        "",
        "[phases.fuzzing.extra-data-sources]",
        "responses = true",  # ids from earlier responses (a started attempt) feed later calls
        "",
        # Saving answers and recording events: as a second member whose open practice attempt
        # (every question type) no other operation can submit, so these reach their logic
        # instead of 409 attempt_closed once the fuzzer has submitted the member's attempts.
        "[[operations]]",
        'include-name = ["PUT /api/v1/attempts/{id}/answers/{question_id}", '
        '"POST /api/v1/attempts/{id}/events"]',
        f"headers = {bearer(tokens, 'saver')}",
        f"parameters = {toml_value(saver_parameters)}",
        "",
        # Revoking the member's own token would turn the rest of the run into 401s: this
        # operation gets a token of its own (after its first success it is a revoked token,
        # which is a documented 401 as well).
        "[[operations]]",
        'include-name = "DELETE /api/v1/auth/token"',
        f"headers = {bearer(tokens, 'revoker')}",
        "",
        # The server allows 300 logins a minute per address: slower than that, the fuzzer
        # gets past the limiter to the credential checks (a 429 would still be documented).
        "[[operations]]",
        'include-name = "POST /api/v1/auth/token"',
        'rate-limit = "240/m"',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> int:
    seconds = int(os.environ.get("FUZZ_SECONDS", DEFAULT_SECONDS))
    print("Preparing a throwaway database and starting gunicorn ...", flush=True)
    server = BenchServer()
    # Production wants shared rate-limit storage (Redis); per-worker counts are fine here.
    server.env.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    if os.environ.get("FUZZ_DATABASE_URL"):
        server.env["DATABASE_URL"] = os.environ["FUZZ_DATABASE_URL"]
    try:
        with server:
            tokens = dict(zip(("member", "other", "revoker", "saver"),
                              (row["token"] for row in seed_members(server, 4)), strict=True))
            apis = {name: Api(server.base_url, token) for name, token in tokens.items()}
            try:
                ids = seed_objects(apis["member"], apis["other"], apis["saver"])
            except ServerError as error:  # with the server's own account of it
                raise ServerError(f"{error}\n{server.log_tail(40)}") from None
            config = write_config(server.workdir / "schemathesis.toml", tokens, ids, seconds)
            command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
                       f"{server.base_url}/api/v1/openapi.json", "--checks", ",".join(CHECKS),
                       "--no-color", "--generation-database", "none"]
            if os.environ.get("FUZZ_SEED"):
                command += ["--seed", os.environ["FUZZ_SEED"]]
            if os.environ.get("FUZZ_REPORT_DIR"):  # every request and response, to look into
                command += ["--report", "har,junit", "--report-dir", os.environ["FUZZ_REPORT_DIR"]]
            print(f"Server on {server.base_url}; schemathesis for {seconds} s ...", flush=True)
            code = subprocess.run(command, cwd=server.workdir).returncode
            # The run is only meaningful while the members' tokens worked throughout.
            me = [requests.get(f"{server.base_url}/api/v1/me", timeout=10,
                               headers={"Authorization": f"Bearer {tokens[name]}"}).status_code
                  for name in ("member", "saver")]
            errors = unhandled_errors(server._log_path.read_text(errors="replace"))
    except ServerError as error:
        print(f"fuzz: {error}", file=sys.stderr)
        return 2
    if errors:
        print(f"\nThe server logged {len(errors)} unhandled error(s):")
        for line in summarise(errors):
            print(f"  {line}")
    if me != [200, 200]:
        print(f"fuzz: a member's token stopped working ({me}): the run is void", file=sys.stderr)
        return 1
    if code != 0:
        print("fuzz: schemathesis found failures (see above)", file=sys.stderr)
    return 1 if code != 0 or errors else 0


if __name__ == "__main__":
    sys.exit(main())
