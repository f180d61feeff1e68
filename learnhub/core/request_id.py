"""The client's `X-Request-Id`, echoed on the response.

Behind a load balancer (or from a load generator that keeps thousands of connections) the
same id on the request, the response and each host's access log ties them together.
Only a short plain id is echoed (at most 64 of A-Z a-z 0-9 . _ -): anything else is
dropped, so nobody can put arbitrary text into a response header or a log line.
"""
from __future__ import annotations

import re

from flask import Flask, Response, request

HEADER = "X-Request-Id"
_valid_id = re.compile(r"[A-Za-z0-9._-]{1,64}").fullmatch  # compiled once, not per request


def echo_request_id(response: Response) -> Response:
    value = request.headers.get(HEADER)
    if value is not None and _valid_id(value):
        response.headers[HEADER] = value
    return response


def init_app(app: Flask) -> None:
    app.after_request(echo_request_id)
