"""Signals for "something happened": a lower feature sends, a higher one subscribes.

Receivers run inside the sender's transaction: they may add rows and flush, never commit.
Each signal's sender is the app; the keyword arguments are listed beside it.
"""
from blinker import Namespace

_signals = Namespace()

# courses: user_id, unit_id, course_id, at
unit_completed = _signals.signal("unit-completed")
# quizzes: attempt (graded as far as automatic grading goes)
attempt_submitted = _signals.signal("attempt-submitted")
# quizzes: attempt, when every question has its points (automatic or manual)
attempt_graded = _signals.signal("attempt-graded")
# classes: class_id, user_id
member_enrolled = _signals.signal("member-enrolled")
# discussions: post
post_created = _signals.signal("post-created")
