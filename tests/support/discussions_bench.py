"""The discussion bench's database work (tests/bench/discussions.py), run inside an app context
in the bench's own process: seeding a thread of many replies and a thread the members post to
(direct inserts, as tests/support/discussions.py does), and the check afterwards that every
acknowledged post is stored exactly once and the numbers run 1..N without a gap.

Imported only once the server's environment is in os.environ (it imports the app)."""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from learnhub.auth.services import get_user_by_username, issue_token
from learnhub.courses.index import content_index
from learnhub.discussions.models import Post, Thread
from learnhub.extensions import db
from tests.support.discussions import seed_posts, seed_thread

# A reply of a realistic length and shape: Chinese prose with a little Markdown.
REPLY_BODY = ("第 {n} 楼：学习了本单元关于**三会一课**的内容，我的体会是：支部党员大会、支部委员会、"
              "党小组会要按时召开，党课要联系实际。\n\n- 认真准备发言\n- 会后整理笔记\n\n"
              "欢迎大家补充，一起把“两学一做”落到实处。")
BATCH = 1000


def seed(course_slug: str, reader_username: str, replies: int, posters: int) -> dict:
    """The long thread (first post + `replies`, authors in turn), the (empty) thread the
    members post to, `posters` members with an API token each; commits. Returns the ids."""
    from tests.bench.seed import seed as seed_members  # the exam bench's members and tokens

    reader = get_user_by_username(reader_username)
    course_id = content_index().course(course_slug).id
    members = seed_members(posters)
    authors = [reader] + [db.session.get(type(reader), m["id"]) for m in members[:9]]
    long_thread = seed_thread(reader, course_id=course_id, title="五千楼：三会一课学习心得",
                              body="大家谈谈学习**三会一课**的体会。")
    for start in range(0, replies, BATCH):  # one INSERT per batch; SQLite's parameters are bounded
        seed_posts(long_thread, authors, min(BATCH, replies - start), body=REPLY_BODY)
    busy = seed_thread(reader, course_id=course_id, title="同时发帖", body="Everyone replies here at once.")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return {"long_thread": long_thread.id, "highest": long_thread.highest_number, "busy_thread": busy.id,
            "members": members}


def reader_token(username: str) -> str:
    token, _ = issue_token(get_user_by_username(username))
    db.session.commit()
    return token


@dataclass
class PostCheck:
    """What the database holds for the thread the members posted to, against what they were told."""
    stored: int = 0                 # posts of the thread (its first post included)
    acknowledged: int = 0           # keys answered 201 (or 200: the same post again)
    lost: int = 0                   # acknowledged, but no post with that id and key
    duplicated: int = 0             # a key stored more than once, or a number given twice
    gaps: int = 0                   # numbers missing from 1..highest
    unexpected: int = 0             # stored replies no request sent (not the first post)
    unacknowledged_stored: int = 0  # a request with no answer (timeout) whose post exists: fine
    counters_wrong: list[str] = field(default_factory=list)  # highest_number, replies_count

    def failed(self) -> bool:
        return bool(self.lost or self.duplicated or self.gaps or self.unexpected or self.counters_wrong)

    def as_json(self) -> dict:
        return asdict(self)


def check_posts(thread_id: int, acknowledged: dict[tuple[int, str], int], sent: set[tuple[int, str]]) -> PostCheck:
    """`acknowledged`: (author id, key) → the post id the server answered; `sent`: every
    (author id, key) a request carried (answered or not)."""
    rows = db.session.execute(select(Post.id, Post.number, Post.author_id, Post.client_key)
                              .where(Post.thread_id == thread_id)).all()
    thread = db.session.execute(select(Thread.highest_number, Thread.replies_count)
                                .where(Thread.id == thread_id)).one()
    check = PostCheck(stored=len(rows), acknowledged=len(acknowledged))
    by_key = Counter((r.author_id, r.client_key) for r in rows if r.client_key is not None)
    numbers = Counter(r.number for r in rows)
    ids = {(r.author_id, r.client_key): r.id for r in rows if r.client_key is not None}
    check.duplicated = sum(n - 1 for n in by_key.values() if n > 1) + sum(n - 1 for n in numbers.values() if n > 1)
    check.lost = sum(1 for key, post_id in acknowledged.items() if ids.get(key) != post_id)
    highest = max(numbers, default=0)
    check.gaps = len(set(range(1, highest + 1)) - set(numbers))
    replies = [r for r in rows if r.number > 1]
    check.unexpected = sum(1 for r in replies if (r.author_id, r.client_key) not in sent)
    check.unacknowledged_stored = sum(1 for r in replies if (r.author_id, r.client_key) in sent
                                      and (r.author_id, r.client_key) not in acknowledged)
    if thread.highest_number != highest:
        check.counters_wrong.append(f"highest_number {thread.highest_number}, posts up to {highest}")
    if thread.replies_count != len(replies):
        check.counters_wrong.append(f"replies_count {thread.replies_count}, {len(replies)} replies stored")
    return check

