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
