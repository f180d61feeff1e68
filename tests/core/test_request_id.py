"""X-Request-Id: a short plain id sent by the client comes back on the response; nothing else does."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("value", ["17-3", "a" * 64, "req.ID_9-x", "0"])
def test_a_valid_id_is_echoed(client, value):
    response = client.get("/healthz", headers={"X-Request-Id": value})
    assert response.headers.get("X-Request-Id") == value


@pytest.mark.parametrize("value", ["a" * 65, "", "has space", "semi;colon", "中文", "a/b", "x\ty"])
def test_an_invalid_id_is_dropped(client, value):
    response = client.get("/healthz", headers={"X-Request-Id": value})
    assert "X-Request-Id" not in response.headers


def test_no_id_sent_none_answered(client):
    assert "X-Request-Id" not in client.get("/healthz").headers


def test_error_answers_and_api_answers_carry_it_too(client):
    missing = client.get("/api/v1/courses/no-such-course", headers={"X-Request-Id": "m12-4"})
    assert missing.status_code in (401, 404)
    assert missing.headers.get("X-Request-Id") == "m12-4"
    page = client.get("/no-such-page", headers={"X-Request-Id": "p-1"})
    assert page.status_code == 404 and page.headers.get("X-Request-Id") == "p-1"
