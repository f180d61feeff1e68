"""The figures against Moodle's formulas computed by the test itself (tests/support/grading_statistics)."""
from __future__ import annotations

import random

import pytest

from tests.support.grading_statistics import TITLES, add_attempt, close, moodle_question, moodle_test

FIXED = [  # capital, two (option index: 0 is right), tf, short
    ({"capital": 0, "two": 0, "tf": True, "short": "党课"}),
    ({"capital": 0, "two": 1, "tf": True, "short": "党课"}),
    ({"capital": 1, "two": 0, "tf": False, "short": "上党课"}),
    ({"capital": 0, "two": 0, "tf": True, "short": None}),
    ({"capital": 2, "two": 2, "tf": True, "short": "党课"}),
]
RAW_MARKS = {"capital": [1, 1, 0, 1, 0], "two": [1, 0, 1, 1, 0], "tf": [1, 1, 0, 1, 1], "short": [1, 1, 0, 0, 1]}


def _seed(stats, rows):
    for answers in rows:
        add_attempt(stats.row, stats.quiz, stats.user(), answers)
    return stats.client(stats.user("boss", "staff"))


def _expected(marks: dict[str, list[float]], max_total: float) -> tuple[dict, dict]:
    """Moodle's figures in raw marks, then as its report shows them (% of the maximum)."""
    totals = [sum(values) for values in zip(*marks.values(), strict=True)]
    questions = {title: moodle_question(values, totals, 1.0) for title, values in marks.items()}
    test = moodle_test(totals, [q["variance"] for q in questions.values()])
    for key in ("mean", "median", "sd", "standard_error"):
        if test[key] is not None:
            test[key] = 100 * test[key] / max_total
    return test, questions


def _check(body: dict, test: dict, questions: dict) -> None:
    assert body["attempts_count"] == test["attempts_count"]
    for key, value in test.items():
        if key != "attempts_count":
            assert close(body[key], value), (key, body[key], value)
    got = {q["title"]: q for q in body["questions"]}
    for title, expected in questions.items():
        for key in ("facility", "sd", "discrimination_index", "discriminative_efficiency"):
            assert close(got[title][key], expected[key]), (title, key, got[title][key], expected[key])


def test_fixed_data_agrees_with_figures_worked_by_hand(stats):
    client = _seed(stats, FIXED)
    body = client.api("GET", stats.url + "?attempts=all").get_json()
    # By hand: totals 4, 3, 1, 3, 2 of 4 -> mean 2.6 (65%), median 3 (75%), variance 5.2/4 = 1.3,
    # sd 1.1402 (28.50%); item variances .3 + .3 + .2 + .3 = 1.1, cic = 4/3 (1 - 1.1/1.3) = 20.51%,
    # error ratio 100 sqrt(1 - .2051) = 89.16%, standard error 89.16% x 1.1402 / 4 = 25.41%.
    assert body["attempts_count"] == 5
    assert close(body["mean"], 65.0) and close(body["median"], 75.0)
    assert close(body["sd"], 28.5044, 1e-3) and close(body["cic"], 20.5128, 1e-3)
    assert close(body["error_ratio"], 89.1556, 1e-3) and close(body["standard_error"], 25.4135, 1e-3)
    test, questions = _expected(RAW_MARKS, 4)
    _check(body, test, questions)
    capital = next(q for q in body["questions"] if q["title"] == "capital")
    assert capital["facility"] == 60.0
    assert capital["responses"] == [{"response": "Beijing", "count": 3}, {"response": "Shanghai", "count": 1},
                                    {"response": "Guangzhou", "count": 1}]
    short = next(q for q in body["questions"] if q["title"] == "short")
    assert {r["response"]: r["count"] for r in short["responses"]} == {"党课": 3, "上党课": 1, "(no answer)": 1}
    tf = next(q for q in body["questions"] if q["title"] == "tf")
    assert tf["responses"] == [{"response": "True", "count": 4}, {"response": "False", "count": 1}]
    assert [q["title"] for q in body["questions"]] == list(TITLES)  # the file's order


@pytest.mark.parametrize("seed", [7, 2026])
def test_random_data_agrees_with_moodle_formulas(stats, seed):
    rng = random.Random(seed)
    rows, marks = [], {title: [] for title in TITLES}
    for _member in range(37):
        ability = rng.random()
        answers = {"capital": 0 if rng.random() < ability else rng.choice([1, 2]),
                   "two": 0 if rng.random() < ability * 0.8 else rng.choice([1, 2]),
                   "tf": rng.random() < 0.5 + ability / 2,
                   "short": rng.choice(["党课", "上党课", "", None]) if rng.random() > ability else "党课"}
        rows.append(answers)
        marks["capital"].append(1.0 if answers["capital"] == 0 else 0.0)
        marks["two"].append(1.0 if answers["two"] == 0 else 0.0)
        marks["tf"].append(1.0 if answers["tf"] else 0.0)
        marks["short"].append(1.0 if answers["short"] == "党课" else 0.0)
    client = _seed(stats, rows)
    body = client.api("GET", stats.url + "?attempts=all").get_json()
    test, questions = _expected(marks, 4)
    assert test["kurtosis"] is not None and test["cic"] is not None
    _check(body, test, questions)


def test_attempts_at_an_earlier_version_of_the_file_count_for_the_same_questions(stats):
    # An earlier version had the questions in another order (other lines, other positions):
    # questions are matched across versions by type and title.
    from dataclasses import replace
    from types import SimpleNamespace

    old = SimpleNamespace(checksum="0" * 64, questions=[replace(q, line=q.line + 40) for q in reversed(stats.quiz.questions)])
    add_attempt(stats.row, old, stats.user(), {"short": "党课", "tf": False, "two": 1, "capital": 0})
    add_attempt(stats.row, stats.quiz, stats.user(), {"capital": 1, "two": 0, "tf": True, "short": "党课"})
    add_attempt(stats.row, stats.quiz, stats.user(), {"capital": 0, "two": 0, "tf": True, "short": None})
    client = stats.client(stats.user("boss", "staff"))
    body = client.api("GET", stats.url + "?attempts=all").get_json()
    assert [q["title"] for q in body["questions"]] == list(TITLES)
    got = {q["title"]: q for q in body["questions"]}
    assert close(got["capital"]["facility"], 100 * 2 / 3) and close(got["tf"]["facility"], 100 * 2 / 3)
    assert close(got["short"]["facility"], 100 * 2 / 3) and close(got["two"]["facility"], 100 * 2 / 3)
    assert {r["response"]: r["count"] for r in got["capital"]["responses"]} == {"Beijing": 2, "Shanghai": 1, "Guangzhou": 0}
