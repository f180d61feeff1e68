"""The read queries of threads and posts, shared by the pages, the API and the panels:
a list of threads with the reader's unread state, and a page of a thread's posts with
what a post's box shows (author, quote, flags). Light rows (Core), no ORM objects.

Owned by the thread pages' part (see the helpers' interface notes); written next.
"""
from __future__ import annotations
