"""The attempts pages paged by keyset (`?after=`), newest first: an attempt started before
the cursor (a newer one) neither repeats nor skips a row, and the query count stays put."""
from __future__ import annotations

from learnhub.auth.services import create_user
from learnhub.core.types import utcnow
from learnhub.quizzes import attempts as rules
from tests.support.pages import next_link
from tests.support.web import PASSWORD, signed_in

ATTEMPTS = "/courses/qc/quizzes/every-type/attempts"


def everyone_starts(make_attempt, clock, names):
    """One attempt each, ten seconds apart (newest last; none expires); the members' names."""
    for name in names:
        clock.advance(seconds=10)
        make_attempt(create_user(name, PASSWORD))
    return names


def reviewer(app, db):
    user = create_user("reviewer", PASSWORD, "staff")
    db.session.commit()
    return signed_in(app, user)


def members_on(page: str, names) -> list[str]:
    return sorted((name for name in names if f"<td>{name}</td>" in page), key=page.index)


def test_a_newer_attempt_between_two_pages_neither_repeats_nor_skips_a_row(quiz_app, make_attempt, clock, db):
    names = everyone_starts(make_attempt, clock, [f"taker{n}" for n in range(5)])
    staff = reviewer(quiz_app, db)
    first = staff.get(f"{ATTEMPTS}?limit=2").get_data(as_text=True)
    assert members_on(first, names) == ["taker4", "taker3"] and "5 attempts" in first
    everyone_starts(make_attempt, clock, ["latecomer"])  # newest: sorts before the cursor
    second = staff.get(next_link(first)).get_data(as_text=True)
    assert members_on(second, [*names, "latecomer"]) == ["taker2", "taker1"]
    assert "limit=2" in next_link(second)
    third = staff.get(next_link(second)).get_data(as_text=True)
    assert members_on(third, [*names, "latecomer"]) == ["taker0"] and next_link(third) is None
    assert "6 attempts" in third


def test_my_attempts_page_by_keyset(quiz_app, quiz_client, make_attempt, clock, db):
    for _ in range(3):
        clock.advance(seconds=10)
        rules.submit_attempt(make_attempt(quiz_client.user), utcnow())
        db.session.commit()
    first = quiz_client.get("/my/attempts?limit=2").get_data(as_text=True)
    def numbers(page):  # the attempt numbers on the page, in its order
        return sorted((n for n in (1, 2, 3, 4) if f'">{n}</a></td>' in page), key=lambda n: page.index(f'">{n}</a></td>'))
    assert numbers(first) == [3, 2]
    clock.advance(seconds=10)
    make_attempt(quiz_client.user)  # number 4, newer than the cursor
    second = quiz_client.get(next_link(first)).get_data(as_text=True)
    assert numbers(second) == [1] and next_link(second) is None


def test_the_attempts_pages_query_count_does_not_grow(quiz_app, quiz_client, make_attempt, clock, db,
                                                       count_queries):
    staff = reviewer(quiz_app, db)
    everyone_starts(make_attempt, clock, ["early"])
    clock.advance(seconds=10)
    make_attempt(quiz_client.user)
    staff.get(ATTEMPTS), quiz_client.get("/my/attempts")
    with count_queries() as few:
        assert staff.get(ATTEMPTS).status_code == 200
    with count_queries() as few_mine:
        assert quiz_client.get("/my/attempts").status_code == 200
    everyone_starts(make_attempt, clock, [f"crowd{n}" for n in range(8)])
    rules.submit_attempt(make_attempt(quiz_client.user), utcnow())  # the open one, then two more
    for _ in range(2):
        clock.advance(seconds=10)
        rules.submit_attempt(make_attempt(quiz_client.user), utcnow())
    db.session.commit()
    staff.get(ATTEMPTS), quiz_client.get("/my/attempts")  # the sign-in's last-seen write, as before `few`
    with count_queries() as many:
        assert staff.get(ATTEMPTS).status_code == 200
    with count_queries() as many_mine:
        assert quiz_client.get("/my/attempts").status_code == 200
    assert len(many) == len(few), "\n".join(s[:90] for s in many)
    assert len(many_mine) == len(few_mine), "\n".join(s[:90] for s in many_mine)
