"""`python -m tests.bench.schema_spike.dump CLASS_ID [REPEAT]`: serialise the class dashboard's
whole payload (every member, no paging) REPEAT times (default 200) each way, in-process.
Prints one JSON line: seconds per way and the rows dumped. Run with the server's environment."""
from __future__ import annotations

import json
import sys
import time


def timed(function, repeat: int) -> float:
    function()  # warm: schemas built, caches filled
    began = time.perf_counter()
    for _ in range(repeat):
        function()
    return time.perf_counter() - began


def body_checks(repeat: int = 20_000) -> dict:
    """The autosave body checked REPEAT times each way (microseconds per body)."""
    from . import marsh, pyd

    body = {"response": "a1b2c3", "client_saved_at": "2026-11-24T12:00:00Z"}
    mm_schema = marsh.AnswerIn()

    def hand():
        if "response" not in body:
            raise ValueError
        return body["response"]

    ways = {"hand ('response' in data)": hand,
            "pydantic AnswerIn.model_validate": lambda: pyd.AnswerIn.model_validate(body).response,
            "marshmallow AnswerIn().load": lambda: mm_schema.load(body)["response"]}
    return {name: round(1e6 * timed(way, repeat) / repeat, 2) for name, way in ways.items()}


def main() -> int:
    from learnhub import create_app
    from learnhub.classes.models import SchoolClass
    from learnhub.core.types import utcnow
    from learnhub.extensions import db
    from learnhub.progress import class_dashboard as rules

    from . import marsh, pyd

    class_id, repeat = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 200
    app = create_app()
    with app.app_context():
        rows = rules.build(db.session.get(SchoolClass, class_id), utcnow()).rows
        page = {"items": rows, "next": None}
        mm_schema = marsh.ProgressPage()
        ways = {
            "hand dict + jsonify's dumps": lambda: app.json.dumps(
                {"items": [rules.row_json(r) for r in rows], "next": None}),
            "pydantic model_validate + TypeAdapter.dump_json": lambda: pyd.PAGE.dump_json(
                pyd.ProgressPage.model_validate(page, from_attributes=True)),
            "pydantic model_validate + model_dump + dumps": lambda: app.json.dumps(
                pyd.ProgressPage.model_validate(page, from_attributes=True).model_dump()),
            "marshmallow schema.dump + dumps": lambda: app.json.dumps(mm_schema.dump(page)),
        }
        # Same content each way (pydantic's JSON is compact and unsorted: compare parsed).
        outputs = {name: json.loads(way()) for name, way in ways.items()}
        reference = outputs["hand dict + jsonify's dumps"]
        mismatched = [name for name, out in outputs.items() if out != reference]
        result = {"rows": len(rows), "repeat": repeat, "mismatched": mismatched,
                  "seconds": {name: round(timed(way, repeat), 4) for name, way in ways.items()},
                  "body": body_checks()}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
