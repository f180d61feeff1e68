"""Final grades and who qualifies: the weights, each threshold with its reason, the default
party-school rule, parts a class does not have."""
from __future__ import annotations

import pytest

from learnhub.core.types import utcnow
from learnhub.extensions import db
from learnhub.grading.completion import services as completion
from learnhub.grading.completion.models import CompletionRules
from tests.support.grading_completion import Grade


def evaluate(cc):
    state = completion.class_completion(cc.school_class, utcnow())
    return {row.username: row for row in state.rows}


def reasons(row) -> list[str]:
    return [str(reason) for reason in row.reasons]


def test_default_rules_are_the_party_schools(cc):
    rules = completion.class_rules(cc.school_class)
    assert (rules.weight_exam, rules.weight_reflection, rules.weight_attendance) == (70, 20, 10)
    assert (rules.min_attendance, rules.pass_mark) == (75, 60)
    assert rules.require_units and rules.require_exam_pass and rules.block_on_findings
    assert rules.id is None  # nothing stored until the head teacher saves


def test_weighted_final_grade_and_qualifying(cc):
    cc.qualify(cc.ann)
    cc.fake.exams[cc.ann.id][cc.exam.id] = Grade(80.0, True)
    cc.fake.reflections[cc.ann.id] = 50.0
    cc.fake.rates[cc.ann.id] = 0.9
    row = evaluate(cc)["ann"]
    assert row.final_grade == pytest.approx(0.7 * 80 + 0.2 * 50 + 0.1 * 90)  # 75.0
    assert row.qualifies and row.reasons == []


def test_other_weights_change_the_grade(cc):
    cc.qualify(cc.ann)
    cc.fake.exams[cc.ann.id][cc.exam.id] = Grade(80.0, True)
    cc.fake.reflections[cc.ann.id] = 50.0
    cc.fake.rates[cc.ann.id] = 0.9
    completion.update_rules(cc.head, cc.school_class, {"weight_exam": 50, "weight_reflection": 50,
                                                      "weight_attendance": 0})
    db.session.commit()
    assert evaluate(cc)["ann"].final_grade == pytest.approx(65.0)


def test_low_attendance_is_a_reason(cc):
    cc.qualify(cc.ann)
    cc.fake.rates[cc.ann.id] = 0.6
    row = evaluate(cc)["ann"]
    assert not row.qualifies
    assert reasons(row) == ["Attendance 60%, below 75%"]


def test_attendance_exactly_at_the_threshold_qualifies(cc):
    cc.qualify(cc.ann)
    cc.fake.rates[cc.ann.id] = 0.75
    assert evaluate(cc)["ann"].qualifies


def test_missing_required_units_is_a_reason(cc):
    cc.qualify(cc.ann)
    cc.fake.units_done[cc.ann.id] = 0
    assert reasons(evaluate(cc)["ann"]) == ["3 required units not complete"]
    cc.fake.units_done[cc.ann.id] = 2
    assert reasons(evaluate(cc)["ann"]) == ["1 required unit not complete"]


def test_failed_final_exam_is_a_reason(cc):
    cc.qualify(cc.ann)
    cc.fake.exams[cc.ann.id][cc.exam.id] = Grade(95.0, False)  # the quiz's own pass rule says no
    assert reasons(evaluate(cc)["ann"]) == ["Final exam not passed"]


def test_final_exam_not_taken_or_awaiting_grading(cc):
    cc.qualify(cc.ann, cc.bob)
    del cc.fake.exams[cc.ann.id]
    cc.fake.exams[cc.bob.id][cc.exam.id] = Grade(None, None, awaiting=1)
    rows = evaluate(cc)
    assert "Final exam not taken" in reasons(rows["ann"])
    assert "Final exam awaiting grading" in reasons(rows["bob"])
    # The exam counts 0 for the one who did not sit it: 0.2 * 80 + 0.1 * 100 (of 100).
    assert rows["ann"].final_grade == pytest.approx(26.0)


def test_final_grade_below_the_pass_mark_is_a_reason(cc):
    cc.qualify(cc.ann)
    cc.fake.exams[cc.ann.id][cc.exam.id] = Grade(50.0, True)
    cc.fake.reflections[cc.ann.id] = 40.0
    row = evaluate(cc)["ann"]
    assert row.final_grade == pytest.approx(0.7 * 50 + 0.2 * 40 + 10)  # 53.0
    assert reasons(row) == ["Final grade 53, below the pass mark 60"]


def test_confirmed_integrity_finding_is_a_reason(cc):
    cc.qualify(cc.ann)
    cc.fake.findings = {cc.ann.id}
    assert reasons(evaluate(cc)["ann"]) == ["An exam integrity finding confirmed by staff"]


def test_every_reason_at_once_and_switches_turn_thresholds_off(cc):
    cc.fake.rates[cc.bob.id] = 0.5
    cc.fake.findings = {cc.bob.id}
    assert len(evaluate(cc)["bob"].reasons) == 5  # attendance, units, exam, grade, finding
    completion.update_rules(cc.head, cc.school_class, {"require_units": False, "require_exam_pass": False,
                                                      "block_on_findings": False, "min_attendance": 0,
                                                      "pass_mark": 0})
    db.session.commit()
    assert evaluate(cc)["bob"].qualifies


def test_parts_the_class_lacks_are_left_out(cc):
    """No reflection assignment and no session counted: the exam is the whole grade."""
    cc.qualify(cc.ann)
    cc.fake.reflections = None
    cc.fake.rates[cc.ann.id] = None
    row = evaluate(cc)["ann"]
    assert row.final_grade == pytest.approx(90.0)
    assert row.qualifies


def test_no_exam_scheduled_no_exam_threshold(cc):
    cc.qualify(cc.ann)
    db.session.delete(cc.exam)
    db.session.commit()
    row = evaluate(cc)["ann"]
    assert row.qualifies
    assert row.final_grade == pytest.approx((0.2 * 80 + 0.1 * 100) / 0.3, abs=0.05)


def test_final_exam_default_is_the_one_closing_last_and_can_be_chosen(cc):
    rules = completion.class_rules(cc.school_class)
    assert completion.final_exam(cc.school_class, rules).id == cc.exam.id
    completion.update_rules(cc.head, cc.school_class, {"final_exam_id": cc.exam.id})
    db.session.commit()
    assert completion.class_rules(cc.school_class).final_exam_id == cc.exam.id
    assert completion.final_exam(cc.school_class, completion.class_rules(cc.school_class)).id == cc.exam.id


def test_grades_are_read_in_a_fixed_number_of_queries(cc, make_user, count_queries):
    cc.qualify(cc.ann, cc.bob)
    with count_queries() as few:
        evaluate(cc)
    from learnhub.classes.models import Membership

    for n in range(5):
        db.session.add(Membership(class_id=cc.id, user_id=make_user(f"extra{n}").id, role="member"))
    db.session.commit()
    with count_queries() as many:
        evaluate(cc)
    assert len(many) == len(few)


def test_rules_row_is_one_per_class(cc):
    completion.update_rules(cc.head, cc.school_class, {"pass_mark": 70})
    completion.update_rules(cc.head, cc.school_class, {"pass_mark": 65})
    db.session.commit()
    assert db.session.query(CompletionRules).filter_by(class_id=cc.id).count() == 1
