"""Class rules that must hold when two requests arrive at once (issue 11: items 6, 7, 10).

Two threads, each with its own app (engine, connection pool, session) on the suite's
database (an SQLite file or PostgreSQL), released together by a barrier. A listener
widens the window between reading the memberships and writing, as a slow request would:
without a lock or a database constraint both requests read the same state and both go
ahead. The pattern of tests/auth/test_admin_race.py.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnhub.auth.models import User
from learnhub.classes import services
from learnhub.classes.models import Membership, SchoolClass
from learnhub.classes.roster import services as roster
from learnhub.classes.roster.files import COLUMNS, FileRow, ParsedFile
from learnhub.classes.roster.importer import apply_import, plan_import
from learnhub.core.types import utcnow
from learnhub.extensions import db
from tests.support.threads import race, slow_reads

ROUNDS = 3


@pytest.fixture
def slow_membership_reads():
    """Sleep after every statement that reads memberships."""
    with slow_reads("FROM class_memberships"):
        yield


def _class(class_id):
    return db.session.get(SchoolClass, class_id)


def _user(user_id):
    return db.session.get(User, user_id)


# ---- item 6: a class always keeps a head teacher ---------------------------------------------

def remove_staff(class_id, actor_id, user_id):
    def job():
        services.set_staff_role(_user(actor_id), _class(class_id), _user(user_id), None)
    return job


def demote_to_grader(class_id, actor_id, user_id):
    def job():
        services.set_staff_role(_user(actor_id), _class(class_id), _user(user_id), "grader")
    return job


def head_teachers(class_id) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.class_id == class_id, Membership.role == "head_teacher"))


@pytest.mark.parametrize("first,second", [(remove_staff, remove_staff), (demote_to_grader, demote_to_grader),
                                          (remove_staff, demote_to_grader)],
                         ids=["remove-remove", "demote-demote", "remove-demote"])
def test_two_head_teachers_removing_each_other_leave_one(app, make_app, make_class, make_user,
                                                         slow_membership_reads, first, second):
    apps = [make_app(), make_app()]
    for _round in range(ROUNDS):
        school_class = make_class()
        a, b = school_class.head, make_user(role="staff")
        services.set_staff_role(a, school_class, b, "head_teacher")
        db.session.commit()
        outcomes = race(apps, [first(school_class.id, a.id, b.id), second(school_class.id, b.id, a.id)])
        assert sorted(map(str, outcomes)) == ["done", "refused"], outcomes
        assert head_teachers(school_class.id) == 1, outcomes


def test_with_three_head_teachers_two_may_go_at_once(app, make_app, make_class, make_user):
    school_class = make_class()
    b, c = make_user(role="staff"), make_user(role="staff")
    for user in (b, c):
        services.set_staff_role(school_class.head, school_class, user, "head_teacher")
    db.session.commit()
    apps = [make_app(), make_app()]
    head = school_class.head
    outcomes = race(apps, [remove_staff(school_class.id, head.id, b.id),
                           remove_staff(school_class.id, head.id, c.id)])
    assert outcomes == ["done", "done"]
    assert head_teachers(school_class.id) == 1


# ---- item 10: appointing the same person twice at once -----------------------------------------

def test_the_same_grader_appointed_twice_at_once_is_one_membership(app, make_app, make_class, make_user,
                                                                   slow_membership_reads):
    apps = [make_app(), make_app()]
    for _round in range(ROUNDS):
        school_class = make_class()
        grader = make_user(role="instructor")
        appoint = demote_to_grader(school_class.id, school_class.head.id, grader.id)
        outcomes = race(apps, [appoint, appoint])
        assert outcomes == ["done", "done"], outcomes
        db.session.expire_all()
        roles = db.session.scalars(select(Membership.role).where(
            Membership.class_id == school_class.id, Membership.user_id == grader.id)).all()
        assert roles == ["grader"]


# ---- item 7: one student number per class, whatever the path -------------------------------------

def numbered(class_id, number) -> list[int]:
    db.session.expire_all()
    return db.session.scalars(select(Membership.user_id).where(
        Membership.class_id == class_id, Membership.student_no == number)).all()


def patch_number(class_id, actor_id, user_id, number):
    def job():
        school_class = _class(class_id)
        membership = db.session.scalar(select(Membership).where(
            Membership.class_id == class_id, Membership.user_id == user_id))
        roster.update_member(_user(actor_id), school_class, membership, _user(user_id),
                             {"student_no": number}, utcnow().date())
    return job


def test_two_members_patched_to_one_number_at_once(app, make_app, make_class, make_user,
                                                   slow_membership_reads):
    apps = [make_app(), make_app()]
    for round_number in range(ROUNDS):
        one, two = make_user(), make_user()
        school_class = make_class(members=[one, two])
        number = f"20260{round_number}"
        head = school_class.head.id
        outcomes = race(apps, [patch_number(school_class.id, head, one.id, number),
                               patch_number(school_class.id, head, two.id, number)])
        assert sorted(map(str, outcomes)) == ["done", "refused"], outcomes
        assert len(numbered(school_class.id, number)) == 1


def import_rows(class_id, actor_id, username, number):
    def job():
        school_class = _class(class_id)
        values = {name: "" for name in COLUMNS}
        values.update(username=username, display_name="新同学", student_no=number)
        plan = plan_import(school_class, ParsedFile(rows=[FileRow(2, values)]))
        assert plan.ok, [r.message for r in plan.rows]
        apply_import(_user(actor_id), school_class, plan)
    return job


def test_two_imports_with_one_number_at_once(app, make_app, make_class, slow_membership_reads):
    apps = [make_app(), make_app()]
    for round_number in range(ROUNDS):
        school_class = make_class()
        number = f"20261{round_number}"
        head = school_class.head.id
        outcomes = race(apps, [import_rows(school_class.id, head, f"first{round_number}", number),
                               import_rows(school_class.id, head, f"second{round_number}", number)])
        assert sorted(map(str, outcomes)) == ["done", "refused"], outcomes
        assert len(numbered(school_class.id, number)) == 1


# ---- item 10 (and 7): adding one member, twice at once -------------------------------------------

def add_person(class_id, actor_id, **values):
    def job():
        from learnhub.classes.roster import members
        members.add_member(_user(actor_id), _class(class_id), {"display_name": "N", **values})
    return job


def test_the_same_person_added_twice_at_once_is_one_membership(app, make_app, make_class, make_user,
                                                               slow_membership_reads):
    apps = [make_app(), make_app()]
    for round_number in range(ROUNDS):
        school_class = make_class()
        person = make_user(f"person{round_number}")
        add = add_person(school_class.id, school_class.head.id, username=person.username)
        outcomes = race(apps, [add, add])
        assert sorted(map(str, outcomes)) == ["done", "refused"], outcomes
        assert len(db.session.scalars(select(Membership.id).where(
            Membership.class_id == school_class.id, Membership.user_id == person.id)).all()) == 1


def test_two_people_added_with_one_number_at_once(app, make_app, make_class, slow_membership_reads):
    apps = [make_app(), make_app()]
    for round_number in range(ROUNDS):
        school_class = make_class()
        number = f"20262{round_number}"
        head = school_class.head.id
        outcomes = race(apps, [add_person(school_class.id, head, username=f"one{round_number}", student_no=number),
                               add_person(school_class.id, head, username=f"two{round_number}", student_no=number)])
        assert sorted(map(str, outcomes)) == ["done", "refused"], outcomes
        assert len(numbered(school_class.id, number)) == 1
        db.session.expire_all()
        assert sum(accounts_named(f"one{round_number}", f"two{round_number}")) == 1  # the loser's account too


def accounts_named(*names) -> list[int]:
    return [db.session.scalar(select(func.count()).select_from(User).where(User.username == name)) for name in names]


# ---- item 10: assigning the same course twice at once ----------------------------------------------

def assign_courses(class_id, actor_id, slugs):
    def job():
        school_class = _class(class_id)
        services.update_class(_user(actor_id), school_class, school_class.name, school_class.code,
                              school_class.starts_on, school_class.ends_on, school_class.description,
                              school_class.status, slugs)
    return job


@pytest.fixture
def slow_course_reads():
    """Sleep after every statement that reads a class's courses."""
    with slow_reads("FROM class_courses"):
        yield


def test_the_same_course_assigned_twice_at_once(app, make_app, make_class, slow_course_reads):
    from learnhub.classes.models import ClassCourse

    apps = [make_app(), make_app()]
    for _round in range(ROUNDS):
        school_class = make_class(courses=[])
        assign = assign_courses(school_class.id, school_class.head.id, ["party-building-online"])
        outcomes = race(apps, [assign, assign])
        assert outcomes == ["done", "done"], outcomes
        db.session.expire_all()
        assert len(db.session.scalars(select(ClassCourse.id).where(ClassCourse.class_id == school_class.id)).all()) == 1
