"""X-Request-Id: a short plain id sent by the client comes back on the response; nothing else does."""
from __future__ import annotations

import runpy
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from tests.bench.server import PROJECT_ROOT


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


def test_gunicorns_access_log_ends_with_the_echoed_id(tmp_path):
    """gunicorn.conf.py's format, through gunicorn's own logger: the response's (validated) id,
    not whatever the request carried; "-" when the app echoed none."""
    conf = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("access_log_format", conf["access_log_format"])
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = Logger(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/healthz", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "10.0.0.7"}
    for echoed in ([("X-Request-Id", "17-3")], []):
        response = SimpleNamespace(status="200 OK", headers=echoed, sent=2)
        logger.access(response, [("X-REQUEST-ID", "has space")], environ, timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    lines = (tmp_path / "access.log").read_text().splitlines()
    assert lines[0].startswith('10.0.0.7 - - [') and '"GET /healthz HTTP/1.1" 200 2' in lines[0]
    assert lines[0].endswith(" 17-3") and lines[1].endswith(" -")
