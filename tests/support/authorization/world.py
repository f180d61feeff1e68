"""The authorization matrix's world: the course it reads, the actors with their logins and
tokens, and real objects for the paths' {placeholders} (the class, its session, announcement
and exam, the member's attempt)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from learnhub.auth import services as auth_services
from learnhub.classes.announcements.services import post_announcement
from learnhub.classes.attendance.codes import NONCE_COOKIE, code_for, new_nonce, ticket_for
from learnhub.classes.attendance.sessions import create_session
from learnhub.classes.exams.services import schedule_exam
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.extensions import db
from tests.support.authorization import ACTORS, FORMS, JSON, PATHS, UNSAFE
from tests.support.discussions import matrix_discussions
from tests.support.grading_assignments import matrix_assignments
from tests.support.grading_completion import matrix_certificate
from tests.support.grading_marking import MATRIX_ESSAY_EXAM, matrix_grading
from tests.support.quizzes import ALL_TYPES_QUIZ
from tests.support.web import PASSWORD, csrf_from, login

CONTENT = {
    "mx/course.md": "---\ntitle: Matrix course\nsummary: S\n---\nText.\n",
    "mx/01-intro.md": "---\ntitle: Intro\ncompletion: view\n---\n## Hi\n",
    "mx/02-manual.md": "---\ntitle: Manual\ncompletion: manual\n---\n## Tick me\n",
    "mx/assets/dot.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
    "mx/quizzes/every-type.gift": ALL_TYPES_QUIZ,
    "mx/quizzes/exam.gift": "---\ntitle: Matrix exam\nkind: exam\n---\n::tf::True? {T}\n",
    "mx/quizzes/new-staff.gift": "::tf::True? {T}\n",
    "mx/quizzes/new-admin.gift": "::tf::True? {T}\n",
    "mx/quizzes/essay-exam.gift": MATRIX_ESSAY_EXAM,  # grading: the essay that waits for a grader
}


@dataclass
class World:
    """Real objects for one route's requests: users, the member's attempt, tokens, clients."""
    app: object
    tokens: dict[str, str]
    clients: dict[str, object]      # logged in through the login form (session cookie)
    api_client: object              # no cookies: API requests carry only their bearer token
    csrf: dict[str, str]
    ids: dict[str, object] = field(default_factory=dict)

    def path(self, endpoint: str) -> str:
        return PATHS[endpoint].format(**self.ids)

    def json_body(self, actor: str, endpoint: str, method: str) -> dict | None:
        body = JSON.get((endpoint, method))
        if body is None:
            return None
        return {k: v.format(actor=actor, **self.ids) if isinstance(v, str) else v for k, v in body.items()}

    def request(self, actor: str, endpoint: str, method: str, csrf: bool = True):
        path = self.path(endpoint)
        if endpoint.startswith("api."):
            headers = {}
            if actor != "anonymous" and endpoint != "api.create_token":
                headers["Authorization"] = f"Bearer {self.tokens[actor]}"
            return self.api_client.open(path, method=method, json=self.json_body(actor, endpoint, method),
                                        headers=headers)
        data = {k: v.format(actor=actor, **self.ids) if isinstance(v, str) else v
                for k, v in FORMS.get((endpoint, method), {}).items()}
        if method in UNSAFE and csrf:
            data["csrf_token"] = self.csrf[actor]
        return self.clients[actor].open(path, method=method, data=data if method in UNSAFE else None)


def build_world(app) -> World:
    """The actors, the class (staff its head teacher, instructor its grader, member a member;
    other in no class) with its objects, every actor logged in, and the member's attempt."""
    with app.app_context():
        sync_all(db.session, get_catalog().tree())
        users = {actor: auth_services.create_user(actor, PASSWORD, role)
                 for actor, role in [("member", "member"), ("other", "member"),
                                     ("instructor", "instructor"), ("staff", "staff"),
                                     ("admin", "admin")]}
        target = auth_services.create_user("target", PASSWORD, "member")
        db.session.commit()
        school_class = create_class(users["staff"], "Matrix class", "MX-CLASS", date(2026, 9, 1),
                                    date(2027, 1, 15), course_slugs=["mx"])
        db.session.add(Membership(class_id=school_class.id, user_id=users["member"].id, role="member"))
        db.session.add(Membership(class_id=school_class.id, user_id=users["instructor"].id, role="grader"))
        db.session.commit()
        tokens = {actor: auth_services.issue_token(user)[0] for actor, user in users.items()}
        db.session.commit()
        ids = {"target": target.id, "class": school_class.id, "staff_id": users["staff"].id}
        ids.update(matrix_session(users["staff"], school_class))
        ids["announcement"] = post_announcement(users["staff"], school_class, "Matrix notice", "Text").id
        db.session.commit()
        ids["exam"] = schedule_exam(users["staff"], school_class, "mx", "exam",
                                    datetime(2020, 1, 1, tzinfo=timezone.utc),
                                    datetime(2100, 1, 1, tzinfo=timezone.utc)).id
        db.session.commit()
        ids.update(matrix_certificate(users["staff"], school_class))  # grading: the member's certificate
        ids.update(matrix_assignments(users["staff"], users["member"], school_class))  # grading: assignments
        ids.update(matrix_discussions(users, target, school_class))  # discussions: threads and posts
    clients = {actor: app.test_client() for actor in ACTORS}
    for client in clients.values():  # the check-in cookie the scan ticket {ticket} is bound to
        client.set_cookie(NONCE_COOKIE, ids["nonce"], path="/checkin")
    csrf = {"anonymous": csrf_from(clients["anonymous"], "/login")}
    for actor in ACTORS[1:]:
        assert login(clients[actor], actor).status_code == 302
        csrf[actor] = csrf_from(clients[actor], "/account")
    api_client = app.test_client()
    started = api_client.post(PATHS["api.start_attempt"],
                              headers={"Authorization": f"Bearer {tokens['member']}"})
    assert started.status_code == 201, started.get_data(as_text=True)
    single = next(q for q in started.get_json()["questions"] if q["type"] == "single")
    ids.update(attempt=started.get_json()["id"], question=single["id"],
               option=single["options"][0]["id"])
    with app.app_context():  # grading: the member's essay exam, its answers and queue group
        ids.update(matrix_grading(api_client, tokens["member"], ids["staff_id"], ids["class"]))
    return World(app=app, tokens=tokens, clients=clients, api_client=api_client, csrf=csrf, ids=ids)


def matrix_session(head, school_class) -> dict:
    """A session running now, its current check-in code, and a scan ticket for one nonce."""
    now = datetime.now(timezone.utc)
    session = create_session(head, school_class, "Matrix session", "lecture", now - timedelta(minutes=5),
                             now + timedelta(hours=2))
    db.session.commit()
    nonce = new_nonce()
    return {"session": session.id, "code": code_for(session.id, now).code, "nonce": nonce,
            "ticket": ticket_for(session.id, now, nonce)}
