"""The authorization matrix for discussions: threads (tests/support/authorization/__init__.py
explains the table; tests/support/discussions.py's matrix_discussions makes the objects)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

#                                                  anonymous member other instructor staff admin
ROWS: dict = {
    # thread pages: {thread} is member's question on course mx's unit intro; "other" (in no class)
    # reads course threads but not the class's. accept: the thread's author or a moderator
    # ({member_reply}: once accepted, accepting again changes nothing). delete {reply} (target's):
    # moderators only; edit {member_reply}: its author (in the window) or moderators.
    ("discussions.course_threads", "GET"):          (LOGIN, 200,   200,   200,   200,   200),
    ("discussions.new_course_thread", "GET"):       (LOGIN, 200,   200,   200,   200,   200),
    ("discussions.new_course_thread", "POST"):      (LOGIN, 302,   302,   302,   302,   302),
    ("discussions.class_threads", "GET"):           (LOGIN, 200,   404,   200,   200,   200),
    ("discussions.new_class_thread", "GET"):        (LOGIN, 200,   404,   200,   200,   200),
    ("discussions.new_class_thread", "POST"):       (LOGIN, 302,   404,   302,   302,   302),
    ("discussions.thread", "GET"):                  (LOGIN, 200,   200,   200,   200,   200),
    ("discussions.reply", "POST"):                  (LOGIN, 302,   302,   302,   302,   302),
    ("discussions.edit_post", "GET"):               (LOGIN, 200,   403,   200,   200,   200),
    ("discussions.edit_post", "POST"):              (LOGIN, 302,   403,   302,   302,   302),
    ("discussions.delete_post", "POST"):            (LOGIN, 403,   403,   302,   302,   302),
    ("discussions.accept_post", "POST"):            (LOGIN, 302,   403,   302,   302,   302),
    ("discussions.post_history", "GET"):            (LOGIN, 403,   403,   200,   200,   200),
    ("discussions.goto_post", "GET"):               (LOGIN, 302,   302,   302,   302,   302),
    # posting API: {thread} as above; PATCH {member_reply}: its author (in the window) or moderators;
    # DELETE {reply} (target's): moderators only (removed already: again 200 for them); accept and
    # unaccept {member_reply}: the thread's author or moderators.
    ("api.list_course_threads", "GET"):             (401,   200,   200,   200,   200,   200),
    ("api.create_course_thread", "POST"):           (401,   201,   201,   201,   201,   201),
    ("api.list_class_threads", "GET"):              (401,   200,   404,   200,   200,   200),
    ("api.create_class_thread", "POST"):            (401,   201,   404,   201,   201,   201),
    ("api.get_thread", "GET"):                      (401,   200,   200,   200,   200,   200),
    ("api.create_post", "POST"):                    (401,   201,   201,   201,   201,   201),
    ("api.edit_post", "PATCH"):                     (401,   200,   403,   200,   200,   200),
    ("api.delete_post", "DELETE"):                  (401,   403,   403,   200,   200,   200),
    ("api.accept_post", "POST"):                    (401,   200,   403,   200,   200,   200),
    ("api.unaccept_post", "DELETE"):                (401,   200,   403,   200,   200,   200),
}
PATHS: dict = {
    # thread pages
    "discussions.course_threads": "/courses/{course}/threads?unit={unit}",
    "discussions.new_course_thread": "/courses/{course}/threads/new?unit={unit}",
    "discussions.class_threads": "/classes/{class}/threads",
    "discussions.new_class_thread": "/classes/{class}/threads/new",
    "discussions.thread": "/threads/{thread}",
    "discussions.reply": "/threads/{thread}/posts",
    "discussions.edit_post": "/posts/{member_reply}/edit",
    "discussions.delete_post": "/posts/{reply}/delete",
    "discussions.accept_post": "/posts/{member_reply}/accept",
    "discussions.post_history": "/posts/{member_reply}/history",
    "discussions.goto_post": "/posts/{post}",
    # posting API
    "api.list_course_threads": "/api/v1/courses/{course}/threads?unit={unit}",
    "api.create_course_thread": "/api/v1/courses/{course}/threads",
    "api.list_class_threads": "/api/v1/classes/{class}/threads",
    "api.create_class_thread": "/api/v1/classes/{class}/threads",
    "api.get_thread": "/api/v1/threads/{thread}",
    "api.create_post": "/api/v1/threads/{thread}/posts",
    "api.edit_post": "/api/v1/posts/{member_reply}",
    "api.delete_post": "/api/v1/posts/{reply}",
    "api.accept_post": "/api/v1/posts/{member_reply}/accept",
    "api.unaccept_post": "/api/v1/posts/{member_reply}/accept",
}
FORMS: dict = {
    # thread pages
    ("discussions.new_course_thread", "POST"): {"title": "Thread by {actor}", "body": "Text", "kind": "question",
                                                 "unit": "{unit}"},
    ("discussions.new_class_thread", "POST"): {"title": "Class thread by {actor}", "body": "Text",
                                                "kind": "discussion"},
    ("discussions.reply", "POST"): {"body": "Reply by {actor}"},
    ("discussions.edit_post", "POST"): {"body": "Edited by {actor}"},
}
JSON: dict = {
    # posting API
    ("api.create_course_thread", "POST"): {"title": "API thread by {actor}", "body": "Text", "unit": "{unit}",
                                           "kind": "question"},
    ("api.create_class_thread", "POST"): {"title": "API class thread by {actor}", "body": "Text"},
    ("api.create_post", "POST"): {"body": "API reply by {actor}"},
    ("api.edit_post", "PATCH"): {"body": "API edit by {actor}"},
}
