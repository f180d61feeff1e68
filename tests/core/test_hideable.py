"""HideableMixin (core/hideable.py) on a small table of the test's own."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import MetaData, String, delete, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from learnhub.auth.models import User
from learnhub.core.hideable import HideableMixin
from learnhub.extensions import NAMING_CONVENTION


class MemoBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


User.__table__.to_metadata(MemoBase.metadata)  # so "users.id" resolves; never created here


class Memo(HideableMixin, MemoBase):
    __tablename__ = "test_hideable_memos"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(50))


@pytest.fixture
def memos(app, db):
    Memo.__table__.drop(db.engine, checkfirst=True)
    Memo.__table__.create(db.engine)
    yield
    db.session.rollback()
    Memo.__table__.drop(db.engine)


def test_columns_are_what_moderation_needs(memos, db):
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("test_hideable_memos")}
    assert columns["hidden"]["nullable"] is False and columns["hidden_at"]["nullable"] is True
    indexes = {tuple(i["column_names"]) for i in inspect(db.engine).get_indexes("test_hideable_memos")}
    assert ("hidden_by_id",) in indexes
    (fk,) = inspect(db.engine).get_foreign_keys("test_hideable_memos")
    assert fk["referred_table"] == "users" and fk["options"].get("ondelete") == "SET NULL"


def test_hide_unhide_and_visible(memos, db, make_user):
    moderator = make_user("moderator", role="staff")
    shown, hidden = Memo(body="fine"), Memo(body="spam")
    db.session.add_all([shown, hidden])
    db.session.flush()
    assert shown.hidden is False  # the default, written by the database too
    at = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
    hidden.hide(moderator, "spam", at=at)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(select(Memo.body).where(Memo.visible())).all() == ["fine"]
    assert db.session.scalars(Memo.visible_only(select(Memo.body))).all() == ["fine"]
    row = db.session.get(Memo, hidden.id)
    assert (row.hidden, row.hidden_at, row.hidden_by_id, row.hidden_reason) == (True, at, moderator.id, "spam")
    row.unhide()
    db.session.commit()
    assert sorted(db.session.scalars(select(Memo.body).where(Memo.visible()))) == ["fine", "spam"]
    assert (row.hidden_at, row.hidden_by_id, row.hidden_reason) == (None, None, None)


def test_deleting_the_moderator_keeps_the_row_hidden(memos, db, make_user):
    moderator = make_user("gone", role="staff")
    memo = Memo(body="x")
    db.session.add(memo)
    memo.hide(moderator, None)
    db.session.commit()
    db.session.execute(delete(User).where(User.id == moderator.id))
    db.session.commit()
    db.session.expire_all()
    assert memo.hidden is True and memo.hidden_by_id is None and memo.hidden_reason is None


def test_a_reason_over_the_bound_is_refused(memos):
    with pytest.raises(ValueError):
        Memo(body="x").hide(None, "x" * 501)
