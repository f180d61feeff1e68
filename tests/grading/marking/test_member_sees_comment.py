"""The member's own attempt shows the grader's comment (rendered as member text) beside the
points, once the result is visible, on the page and in the API."""
from __future__ import annotations

from tests.support.grading_marking import answer_of


def test_the_member_reads_the_graders_comment(marking):
    attempt_id = marking.sit("ann", tf=True)
    essay = answer_of(attempt_id, "essay")
    comment = "联系实际较好，**论述清楚**。<script>alert(1)</script>"
    graded = marking.client("grader").api("PUT", f"/api/v1/answers/{essay.id}/grade",
                                          {"points": 8, "comment": comment, "version": 1})
    assert graded.status_code == 200
    member = marking.client("ann")
    body = member.api("GET", f"/api/v1/attempts/{attempt_id}").get_json()
    comments = [q.get("comment_html") for q in body["questions"] if q.get("comment_html")]
    assert len(comments) == 1 and "<strong>论述清楚</strong>" in comments[0] and "<script>" not in comments[0]
    page = member.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "<strong>论述清楚</strong>" in page and "<script>alert(1)</script>" not in page
