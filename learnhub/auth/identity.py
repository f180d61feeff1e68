"""Who a request is: the signed-in user as the columns every request reads, no ORM object.

Every page and API call authenticates (a session cookie or a bearer token) and then reads
a handful of the user's columns: the id, the role for permissions, the locale, the
first-password flag, the extra-time factor, the name in the header. Loading a mapped
`User` for that (identity map, instance state, attribute instrumentation) cost about as
much as the query itself, so the loaders build a `SignedInUser` from the row instead.

It quacks like `User` for reading: the same attribute names, Flask-Login's interface, and
equality with a `User` of the same id (UserMixin compares ids). Columns it does not hold
(`password_hash`, `created_at`, ...) are read from the mapped row, loaded on first need.
Writing goes through the mapped row, explicitly: `user_record(user)` returns the `User`
(the same object when it already is one); setting an attribute on a SignedInUser raises,
so a write can never be silently lost.
"""
from __future__ import annotations

from flask_login import UserMixin
from sqlalchemy.orm import attributes as orm_attributes

from ..extensions import db
from .models import User

# The columns a SignedInUser holds, in the order the loaders select them.
COLUMNS = ("id", "username", "display_name", "role", "locale", "active", "must_change_password",
           "time_factor")


class SignedInUser(UserMixin):
    """The user this request authenticated as (see the module's docstring)."""

    __slots__ = (*COLUMNS, "_record")

    def __init__(self, id, username, display_name, role, locale, active, must_change_password,
                 time_factor) -> None:
        setter = object.__setattr__
        setter(self, "id", id)
        setter(self, "username", username)
        setter(self, "display_name", display_name)
        setter(self, "role", role)
        setter(self, "locale", locale)
        setter(self, "active", active)
        setter(self, "must_change_password", must_change_password)
        setter(self, "time_factor", time_factor)
        setter(self, "_record", None)

    @property
    def is_active(self) -> bool:  # as User's: Flask-Login refuses inactive users
        return self.active

    def record(self) -> User:
        """The mapped `User` row (one query the first time, unless the session holds it)."""
        if self._record is None:
            object.__setattr__(self, "_record", db.session.get(User, self.id))
        return self._record

    def __getattr__(self, name: str):
        # Only for what the slots do not hold: another mapped column of User.
        if isinstance(getattr(User, name, None), orm_attributes.InstrumentedAttribute):
            return getattr(self.record(), name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"SignedInUser is read-only: change user_record(user).{name} instead")

    def __repr__(self) -> str:
        return f"<SignedInUser {self.username} {self.role}>"


def user_record(user) -> User:
    """The mapped `User` for a user the request holds (a SignedInUser, a User, or a proxy to
    either): what services that write the user's row or assign it to a relationship take."""
    if isinstance(user, SignedInUser):
        return user.record()
    if hasattr(user, "_get_current_object"):  # current_user: the object behind the proxy
        return user_record(user._get_current_object())
    return user
