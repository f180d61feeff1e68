"""The hot-path bench's rows, seeded before gunicorn starts: run as a subprocess with the
server's environment (the app checkout's code on the path, so BENCH_APP_ROOT seeds with the
code it measures), a JSON object of sizes as its argument; prints the ids and tokens the
targets need as one JSON line, the last of stdout.

Everything in bulk: the crowd through `flask bench seed-crowd`'s function (one INSERT each
for accounts, enrolments and tokens, one shared password hash), the dashboard's class through
`flask progress seed-demo`'s, the graded class through the grading bench's, the thread's
replies in one INSERT. Each run makes a new crowd (a random class code), so a reused
PostgreSQL database still has members who never started the exam or checked in.
"""
from __future__ import annotations

import json
import secrets
import sys
from datetime import timedelta

# The other classes' codes: fixed, so a reused database reuses them (they are only read).
DASHBOARD_CODE = "BENCH-WRK"
RESULTS_CODE = "BENCH-WRK-RESULTS"
RESULTS_PREFIX = "wr"
# Tables whose ids the grading bench's seeding gives explicitly: PostgreSQL's sequences must
# move past them, or the app's next row (an exam start's attempt) takes an id in use.
EXPLICIT_ID_TABLES = ("users", "attempts", "attempt_questions", "answers")


def seed(sizes: dict) -> dict:
    from learnhub.auth.services import create_user, get_user_by_username, issue_token
    from learnhub.classes.attendance.sessions import create_session
    from learnhub.classes.models import Membership, SchoolClass
    from learnhub.core.notifications import notify
    from learnhub.core.types import utcnow
    from learnhub.crowd import seed_crowd
    from learnhub.extensions import db
    from learnhub.progress.seed_demo import seed_class
    from tests.bench import grading
    from tests.support.discussions import course_ids, seed_posts, seed_thread
    from tests.support.discussions_bench import REPLY_BODY

    course, now = sizes["course"], utcnow()
    member = get_user_by_username(sizes["member"])
    staff = get_user_by_username(grading.STAFF) or create_user(grading.STAFF, grading.STAFF_PASSWORD, "staff")

    code = f"HOT-{secrets.token_hex(3).upper()}"
    crowd = seed_crowd(code, sizes["crowd"], course, sizes["exam"], minutes=180)
    crowd_class = db.session.get(SchoolClass, crowd.class_id)
    head = get_user_by_username(f"{code.lower()}-head")
    db.session.add(Membership(class_id=crowd_class.id, user_id=member.id, role="member"))  # a member's pages, as in class
    session = create_session(head, crowd_class, "Bench lecture", "lecture", now - timedelta(minutes=1),
                             now + timedelta(hours=2))

    course_id, unit_id = course_ids(course, sizes["unit"])
    thread = seed_thread(member, course_id=course_id, unit_id=unit_id, title="三会一课学习心得",
                         body="大家谈谈学习**三会一课**的体会。")
    seed_posts(thread, [member, staff, head], sizes["replies"], body=REPLY_BODY)
    for number in range(sizes["notifications"]):
        notify([member], "reply", f"新回复 {number + 1}：三会一课学习心得", f"/threads/{thread.id}")

    dashboard = seed_class(DASHBOARD_CODE, sizes["dashboard_members"], sizes["dashboard_units"], staff, seed=8)
    world = {"crowd_class": crowd.class_id, "exam": crowd.exam_id, "crowd_tokens": crowd.tokens,
             "session": session.id, "thread": thread.id, "dashboard_class": dashboard["class"],
             "member_token": issue_token(member)[0], "staff_token": issue_token(staff)[0],
             "head_token": issue_token(head)[0]}
    db.session.commit()
    results = grading.seed(sizes["results_members"], sizes["results_questions"], RESULTS_CODE, RESULTS_PREFIX)
    world.update(results_class=results["class"], results_exam=results["exam"])
    if db.engine.dialect.name == "postgresql":
        for table in EXPLICIT_ID_TABLES:
            db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))  # the planner's statistics after the bulk loads
        db.session.commit()
    return world


def main() -> int:
    from learnhub import create_app

    sizes = json.loads(sys.argv[1])
    with create_app().app_context():
        world = seed(sizes)
    print(json.dumps(world))  # the last line of stdout: what the harness reads
    return 0


if __name__ == "__main__":
    sys.exit(main())
