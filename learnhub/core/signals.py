"""Signals for "something happened": a lower feature sends, a higher one subscribes.

Receivers run inside the sender's transaction: they may add rows and flush, never commit.
Each signal's sender is the app; the keyword arguments are listed beside it.
"""
from blinker import Namespace

_signals = Namespace()

# courses: user_id, unit_id, course_id, at, row (the member's UnitProgress), first (first visit).
# Sent when a visit is written (the first, then at most once a minute), not on every page view.
unit_viewed = _signals.signal("unit-viewed")
# progress: user_id, unit_id, course_id, at, rule
unit_completed = _signals.signal("unit-completed")
# quizzes: attempt (graded as far as automatic grading goes; an Attempt or, from the API's
# submit, a plain row with its fields)
attempt_submitted = _signals.signal("attempt-submitted")
# quizzes: attempt, when every question has its points (automatic or manual). From the API's
# submit, `attempt` is a plain row with an Attempt's fields (quizzes.submitting.AttemptRecord)
# and `quiz` its quiz's row (id, course_id, slug); other senders send no `quiz`.
attempt_graded = _signals.signal("attempt-graded")
# classes: class_id, user_id
member_enrolled = _signals.signal("member-enrolled")
# discussions: post
post_created = _signals.signal("post-created")
