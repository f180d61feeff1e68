"""Who may do what, for every route of the app, in one table: tests/support/authorization/,
one module per area (its __init__ explains the rows, actors and statuses).

Unsafe page requests carry a valid CSRF token and API requests a bearer token, so the table is
about authorization, not CSRF; `test_unsafe_requests_without_csrf_token_are_refused` covers
CSRF on its own.
"""
from __future__ import annotations

import ast
import inspect

import pytest
from sqlalchemy import select

from learnhub.auth.models import User
from learnhub.extensions import db
from learnhub.quizzes.models import Answer, Attempt
from tests.support.authorization import ACTORS, AREAS, LOGIN, MATRIX, PATHS, UNSAFE
from tests.support.authorization.world import CONTENT, build_world


@pytest.fixture
def world(make_app, write_content):
    app = make_app(CONTENT_DIR=str(write_content(CONTENT)), RATELIMIT_ENABLED=False)
    built = build_world(app)
    with app.app_context():
        yield built


def routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def outcome(response) -> int | str:
    if response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/login"):
        return LOGIN
    return response.status_code


def test_every_route_has_a_row(world):
    missing = sorted(routes(world.app) - MATRIX.keys())
    assert not missing, "\n".join(f"add a row for {endpoint} {method}" for endpoint, method in missing)
    stale = sorted(MATRIX.keys() - routes(world.app))
    assert not stale, "\n".join(f"remove the row for {endpoint} {method} (no such route)"
                                for endpoint, method in stale)
    assert all(len(row) == len(ACTORS) for row in MATRIX.values())
    assert {endpoint for endpoint, _ in MATRIX} <= PATHS.keys()


@pytest.mark.parametrize(("endpoint", "method"), sorted(MATRIX), ids=lambda v: v)
def test_authorization_matrix(world, endpoint, method):
    """Each actor's status for one route, on fresh objects (a route's side effects stay in it)."""
    expected = dict(zip(ACTORS, MATRIX[(endpoint, method)], strict=True))
    got = {actor: outcome(world.request(actor, endpoint, method)) for actor in ACTORS}
    assert got == expected, f"{endpoint} {method} {world.path(endpoint)}: got {got}"


def test_unsafe_requests_without_csrf_token_are_refused(world):
    """Every unsafe page form and every unsafe cookie API call without a token: 400, no effect."""
    unsafe = sorted((e, m) for e, m in routes(world.app) if m in UNSAFE)
    assert unsafe
    for endpoint, method in unsafe:
        for actor in ACTORS:
            client = world.clients[actor]
            if endpoint.startswith("api."):
                if endpoint == "api.create_token" or actor == "anonymous":
                    continue  # public (a token in the body is no cookie to ride); 401 without a session
                response = client.open(world.path(endpoint), method=method,
                                       json=world.json_body(actor, endpoint, method))
            else:
                response = world.request(actor, endpoint, method, csrf=False)
            assert response.status_code == 400, (endpoint, method, actor, response.status_code)
    # Nothing happened: everyone is still logged in, the attempt is open, the target untouched.
    for actor in ACTORS[1:]:
        assert world.clients[actor].get("/account").status_code == 200, actor
    attempt = db.session.get(Attempt, world.ids["attempt"])
    assert attempt.state == "in_progress"
    assert not db.session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all()
    target = db.session.scalar(select(User).where(User.username == "target"))
    assert target.active and target.role == "member"
    assert db.session.scalar(select(User).where(User.username == "newcomer")) is None


def test_no_row_is_written_twice():
    """A repeated key in a dict literal silently replaces the first: each row appears once, in
    one area (joining the areas refuses a key two of them hold)."""
    for area in AREAS:
        tree = ast.parse(inspect.getsource(area))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = [ast.unparse(key) for key in node.keys if key is not None]
                repeated = sorted({key for key in keys if keys.count(key) > 1})
                assert not repeated, f"written twice in {area.__name__}: {repeated}"
    for table in ("ROWS", "PATHS", "FORMS", "JSON"):
        assert sum(len(getattr(area, table)) for area in AREAS) == len(
            {key for area in AREAS for key in getattr(area, table)}), f"{table}: a key in two areas"
