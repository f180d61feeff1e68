"""`python -m tests.bench.seed N`: N members with one API token each, as JSON on stdout.

Run as a subprocess with the server's environment: the load generator is gevent-patched and
must not import the app. The members cannot log in instead: /login and /api/v1/auth/token
allow 10 a minute per address.
"""
from __future__ import annotations

import json
import secrets
import sys

USERNAME = "exam{:04d}"


def seed(count: int) -> list[dict]:
    from learnhub.auth.models import User
    from learnhub.auth.services import create_user, get_user_by_username, issue_token
    from learnhub.extensions import db

    users, shared_hash = [], None
    for number in range(1, count + 1):
        name = USERNAME.format(number)
        user = get_user_by_username(name)  # a reused BENCH_DATABASE_URL already has it
        if user is None and shared_hash is None:
            user = create_user(name, secrets.token_urlsafe(16), "member")
        elif user is None:
            # Hashing N passwords with scrypt takes seconds; nobody logs in with them anyway.
            user = User(username=name, display_name=name, password_hash=shared_hash, role="member")
            db.session.add(user)
        shared_hash = shared_hash or user.password_hash
        users.append(user)
    db.session.flush()
    tokens = [issue_token(user)[0] for user in users]
    db.session.commit()
    return [{"id": user.id, "token": token} for user, token in zip(users, tokens, strict=True)]


def main() -> int:
    from learnhub import create_app

    count = int(sys.argv[1])
    with create_app().app_context():
        members = seed(count)
    print(json.dumps(members))  # the last line of stdout: what the harness reads
    return 0


if __name__ == "__main__":
    sys.exit(main())
