"""Staff's view of an attempt in tests: a class exam of a quiz with every question type whose
keys members see only after the exam closes, and Ann's submitted attempt under it."""
from __future__ import annotations

from datetime import timedelta

from learnhub.classes.models import Membership
from learnhub.extensions import db

from .exams import People
from .quizzes import ALL_TYPES_QUIZ, T0, by_type, right_answers

# Every type, keys shown to members only once the exam has closed for everyone.
KEYED_QUIZ = ALL_TYPES_QUIZ.replace(
    "review: answers_after_submit", "review: answers_after_close\ncloses_at: 2026-11-24 21:00").replace(
    "title: Every type", "title: Keyed exam")  # the file closes at T0 + 1h (Beijing time)

IPHONE_WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN")
ANDROID_WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
                  "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
                  "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin "
                  "NetType/WIFI Language/zh_CN ABI/arm64")
DESKTOP_CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Safari/537.36")
HUAWEI_BROWSER = ("Mozilla/5.0 (Linux; Android 10; HarmonyOS; ELS-AN00; HMSCore 6.11.0.302) AppleWebKit/537.36 "
                  "(KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.0.322 Mobile Safari/537.36")


class Review(People):
    """People (head, grader, ann, bob, otherhead, boss) with the keyed quiz scheduled for the
    class (open T0 .. T0 + 2h), Ann's student number 2026001, and `sit()` to take it."""

    def __init__(self, app):
        super().__init__(app)
        membership = db.session.query(Membership).filter_by(class_id=self.school_class.id,
                                                            user_id=self.users["ann"].id).one()
        membership.student_no = "2026001"
        db.session.commit()
        self.exam = self.schedule(quiz="keyed", opens=T0 - timedelta(minutes=5), closes=T0 + timedelta(hours=2))

    def sit(self, name="ann", answers=None, submit=True, user_agent=IPHONE_WECHAT) -> dict:
        """Start under the exam with `user_agent`, save `answers` (type -> response; default all
        right but the essay is waiting for grading), submit. The attempt as the member got it."""
        client = self.client(name)
        started = client.post("/api/v1/courses/qc/quizzes/keyed/attempts", json={"exam": self.exam["id"]},
                              headers={"X-CSRFToken": client.csrf, "User-Agent": user_agent})
        assert started.status_code == 201, started.get_json()
        attempt = started.get_json()
        questions = by_type(attempt)
        answers = right_answers(attempt) if answers is None else answers(attempt)
        for kind, response in answers.items():
            saved = client.api("PUT", f"/api/v1/attempts/{attempt['id']}/answers/{questions[kind]['id']}",
                               {"response": response})
            assert saved.status_code == 200, saved.get_json()
        if submit:
            done = client.post(f"/api/v1/attempts/{attempt['id']}/submit",
                               headers={"X-CSRFToken": client.csrf, "User-Agent": DESKTOP_CHROME})
            assert done.status_code == 200, done.get_json()
            return done.get_json()
        return attempt
