"""Manual grading in tests: an exam quiz with an essay (and an automatic question) scheduled for
the People class; members sit it through the API and wait for a grader."""
from __future__ import annotations

from sqlalchemy import select

from learnhub.extensions import db
from learnhub.quizzes.models import Answer, AttemptQuestion

from .exams import People

ESSAY_EXAM = ("---\ntitle: Essay exam\nkind: exam\nattempts: 1\nreview: answers_after_submit\n"
              "points:\n  essay: 10\n---\n"
              "::tf::The Party was founded in 1921. {T}\n\n"
              "::essay::Write about the Party's history. {}\n")


class Marking(People):
    """People (head, grader, ann, bob, otherhead, boss) with the essay exam scheduled."""

    def __init__(self, app):
        super().__init__(app)
        self.exam = self.schedule(quiz="essay")

    def sit(self, name: str, essay: str = "我的心得体会", tf: bool = True) -> int:
        started = self.start(name, quiz="essay")
        assert started.status_code == 201, started.get_json()
        body = started.get_json()
        for question in body["questions"]:
            response = tf if question["type"] == "true_false" else essay
            saved = self.client(name).api("PUT", f"/api/v1/attempts/{body['id']}/answers/{question['id']}",
                                          {"response": response})
            assert saved.status_code == 200, saved.get_json()
        self.submit(name, body["id"])
        return body["id"]

    @property
    def queue_url(self) -> str:
        return f"/api/v1/classes/{self.school_class.id}/grading/queue"


def answer_of(attempt_id: int, question_type: str) -> Answer:
    db.session.expire_all()
    for answer, attempt_question in db.session.execute(
            select(Answer, AttemptQuestion).join(AttemptQuestion, AttemptQuestion.id == Answer.attempt_question_id)
            .where(Answer.attempt_id == attempt_id)):
        if attempt_question.snapshot["type"] == question_type:
            return answer
    raise AssertionError(f"no {question_type} answer in attempt {attempt_id}")


# ---- the authorization matrix's grading objects (tests/support/authorization/world.py) -----------

MATRIX_ESSAY_EXAM = ("---\ntitle: Matrix essay exam\nkind: exam\n---\n::tf::True? {T}\n\n"
                     "::essay::Why? {}\n")


def matrix_grading(api_client, member_token: str, head_id: int, class_id: int) -> dict:
    """The essay exam (mx/essay-exam) scheduled for the class and sat by its member: ids of the
    essay's queue group, the essay answer (waits for a grader) and the automatic tf answer."""
    from datetime import datetime, timezone

    from learnhub.auth.models import User
    from learnhub.classes.exams.services import schedule_exam
    from learnhub.classes.models import SchoolClass
    from learnhub.grading.marking.services import question_group_key
    from learnhub.quizzes.models import Attempt

    schedule_exam(db.session.get(User, head_id), db.session.get(SchoolClass, class_id), "mx", "essay-exam", datetime(2020, 1, 1, tzinfo=timezone.utc),
                  datetime(2100, 1, 1, tzinfo=timezone.utc))
    db.session.commit()
    headers = {"Authorization": f"Bearer {member_token}"}
    started = api_client.post("/api/v1/courses/mx/quizzes/essay-exam/attempts", headers=headers)
    assert started.status_code == 201, started.get_data(as_text=True)
    body = started.get_json()
    for question in body["questions"]:
        response = True if question["type"] == "true_false" else "Because."
        assert api_client.put(f"/api/v1/attempts/{body['id']}/answers/{question['id']}", json={"response": response},
                              headers=headers).status_code == 200
    assert api_client.post(f"/api/v1/attempts/{body['id']}/submit", headers=headers).status_code == 200
    essay, tf = answer_of(body["id"], "essay"), answer_of(body["id"], "true_false")
    attempt_question = db.session.get(AttemptQuestion, essay.attempt_question_id)
    group = question_group_key(db.session.get(Attempt, body["id"]).quiz_id, attempt_question.snapshot)
    return {"grading_group": group, "essay_answer": essay.id, "auto_answer": tf.id}


# ---- the accessibility audit's grading data (tests/support/a11y_site.py) -------------------------

def a11y_grading(app, class_id: int) -> dict:
    """{grading_group}: a question of the class's queue (the member's submitted every-type exam
    attempt leaves its essay waiting), or a group with nothing left in it."""
    from learnhub.classes.models import SchoolClass
    from learnhub.grading.marking.services import class_queue

    with app.test_request_context(), app.app_context():
        items = class_queue(db.session.get(SchoolClass, class_id))
    return {"grading_group": items[0].group_key if items else "q0-none"}


def a11y_bad_points(page):
    """The grading page sent with points above the maximum: it comes back with the item's error."""
    page.locator("main input[type=number]").first.fill("999")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".field-error").count() > 0
