"""The served OpenAPI document against the declarations (learnhub/api/schema.py), and the
framework's own rules: the 422 body naming every field, translated; times with an offset;
responses that cannot carry an undeclared key under test."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

import jsonschema_rs
import pytest
from flask import current_app

from learnhub.api.document import path_of
from learnhub.api.schema import ApiDateTime, Body, ErrorBody, File, InvalidFields, Operation, Out, operation_of, text

REF_PREFIX = "#/components/schemas/"


@pytest.fixture
def served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")]


def component(served: dict, schema: dict) -> dict:
    assert set(schema) == {"$ref"} and schema["$ref"].startswith(REF_PREFIX), schema
    return served["components"]["schemas"][schema["$ref"].removeprefix(REF_PREFIX)]


def field_names(model, mode: str) -> set[str]:
    return {(info.serialization_alias if mode == "serialization" else None) or info.alias or name
            for name, info in model.model_fields.items()}


def test_every_api_rule_and_method_is_in_the_document(app, served):
    for rule in api_rules(app):
        path = path_of(rule)[0]
        assert path in served["paths"], f"{rule.rule} ({path}) is not in the document"
        documented = {method.upper() for method in served["paths"][path]}
        assert rule.methods - {"HEAD", "OPTIONS"} <= documented, rule.rule
    assert len(served["paths"]) == len({rule.rule for rule in api_rules(app)})


def test_declared_operations_are_documented_as_declared(app, served):
    declared = [(rule, operation_of(app.view_functions[rule.endpoint])) for rule in api_rules(app)]
    declared = [(rule, op) for rule, op in declared if op is not None]
    assert {rule.endpoint for rule, _ in declared} >= {
        "api.create_token", "api.revoke_token", "api.me", "api.change_my_password", "api.get_quiz",
        "api.start_attempt", "api.get_attempt", "api.save_answer", "api.submit_attempt",
        "api.record_event", "api.openapi"}
    for rule, op in declared:
        path, path_parameters = path_of(rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            entry = served["paths"][path][method.lower()]
            where = f"{method} {path}"
            assert entry["operationId"] == rule.endpoint.removeprefix("api.") and entry["summary"] == op.summary
            parameters = {(p["in"], p["name"]): p for p in entry.get("parameters", [])}
            assert {name for kind, name in parameters if kind == "path"} == {p["name"] for p in path_parameters}
            expected_query = field_names(op.query, "validation") if op.query else set()
            assert {name for kind, name in parameters if kind == "query"} == expected_query, where
            if op.uploads:
                form = entry["requestBody"]["content"]["multipart/form-data"]["schema"]
                assert set(form["properties"]) == set(op.uploads), where
            elif op.body is None:
                assert "requestBody" not in entry, where
            else:
                body = entry["requestBody"]
                assert body["required"] is op.body_required
                schema = component(served, body["content"]["application/json"]["schema"])
                assert set(schema["properties"]) == field_names(op.body, "validation"), where
            for status, model in op.responses.items():
                response = entry["responses"][str(status)]
                if isinstance(model, File):
                    assert set(response["content"]) == {model.media_type}, where
                    continue
                if model is None:
                    assert "content" not in response, where
                    continue
                schema = component(served, response["content"]["application/json"]["schema"])
                assert set(schema["properties"]) == field_names(model, "serialization"), (where, status)
            for status in op.error_statuses():
                schema = entry["responses"][str(status)]["content"]["application/json"]["schema"]
                assert set(component(served, schema)["properties"]) == {"error"}, (where, status)
            assert {"422", "503"} <= set(entry["responses"]), where
            assert (entry.get("security") == []) is op.public, where
            if not op.public:
                assert "401" in entry["responses"], where


def test_every_reference_resolves_and_every_schema_is_valid_json_schema(served):
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(served)
    assert refs
    for ref in refs:
        assert ref.removeprefix(REF_PREFIX) in served["components"]["schemas"], ref
    assert served["openapi"] == "3.0.3"
    for name, schema in served["components"]["schemas"].items():
        # OpenAPI 3.0's schema object is JSON Schema draft 4's dialect (boolean exclusive bounds)
        assert jsonschema_rs.meta.is_valid({"$schema": "http://json-schema.org/draft-04/schema#", **schema}), name
        # 2020-12's spellings that OpenAPI 3.0 lacks (document.as_openapi_30 converts them)
        assert "'null'" not in str(schema) and "const" not in schema and "$defs" not in str(schema), name


def test_optional_values_are_nullable_in_openapi_30_terms(served):
    schemas = served["components"]["schemas"]
    locale = schemas["Me"]["properties"]["locale"]
    assert locale["type"] == "string" and locale["nullable"] is True
    assert schemas["Me"]["properties"]["role"]["enum"] == ["member", "instructor", "staff", "admin"]
    schedule = schemas["Quiz"]["properties"]["schedule"]  # a nullable model: allOf, 3.0 ignores $ref's siblings
    assert schedule["nullable"] is True and schedule["allOf"] == [{"$ref": REF_PREFIX + "Schedule"}]


def test_every_operation_answers_json_with_a_schema(served):
    for path, operations in served["paths"].items():
        for method, entry in operations.items():
            for status, response in entry["responses"].items():
                if status not in ("204", "304"):  # no body
                    assert "schema" in response.get("content", {}).get("application/json", {}) or \
                        path.endswith(("template.csv", "template.xlsx", ".xlsx", ".csv")), (method, path, status)


# ---- the 422 body ------------------------------------------------------------------------------

def test_every_field_at_fault_is_named_with_its_message(client):
    response = client.post("/api/v1/auth/token", json={"username": 5, "password": "   "})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field"
    assert error["fields"] == {"username": "'username' must be text.",
                               "password": "'password' must be a non-empty string."}
    assert "username" in error["message"] and "password" in error["message"]
    one = client.post("/api/v1/auth/token", json={"username": "x" * 65, "password": "p"}).get_json()["error"]
    assert one == {"code": "invalid_field", "message": "'username' is longer than 64 characters.",
                   "fields": {"username": "'username' is longer than 64 characters."}}


def test_field_messages_follow_the_callers_language(client):
    zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
    error = client.post("/api/v1/auth/token", json={"password": 5}, headers=zh).get_json()["error"]
    assert error["fields"] == {"username": "必须提供“username”。", "password": "“password”必须是文本。"}


def test_body_shape_errors_keep_their_codes(client):
    assert client.post("/api/v1/auth/token", data="{", content_type="application/json").status_code == 400
    listed = client.post("/api/v1/auth/token", json=["username"])
    assert listed.status_code == 422 and listed.get_json()["error"]["code"] == "invalid_body"
    nul = client.post("/api/v1/auth/token", json={"username": "a\x00", "password": "p"})
    assert nul.status_code == 422 and nul.get_json()["error"]["code"] == "invalid_text"


# ---- times -------------------------------------------------------------------------------------

class Meeting(Body):
    title: text(20)
    starts_at: ApiDateTime
    ends_at: Optional[ApiDateTime] = None


class MeetingOut(Out):
    starts_at: ApiDateTime


def parse(app, body: dict):
    operation = Operation("test", body=Meeting, responses={200: MeetingOut})
    with app.app_context(), app.test_request_context(json=body):  # a request's own g: its own body
        return operation.parse_body()


def test_a_time_must_carry_an_offset(app):
    parsed = parse(app, {"title": "t", "starts_at": "2026-12-01T09:00:00+08:00"})
    assert parsed.starts_at == datetime(2026, 12, 1, 1, tzinfo=timezone.utc)
    for naive in ("2026-12-01T09:00:00", "2026-12-01", "tomorrow", 1764550800):
        with pytest.raises(InvalidFields) as refused:
            parse(app, {"title": "t", "starts_at": naive})
        assert refused.value.status == 422 and refused.value.code == "invalid_field"
        assert list(refused.value.fields) == ["starts_at"], naive
    with pytest.raises(InvalidFields) as out_of_range:
        parse(app, {"title": "t", "starts_at": "1900-01-01T00:00:00Z", "ends_at": "x"})
    assert set(out_of_range.value.fields) == {"starts_at", "ends_at"}
    assert "1900" not in out_of_range.value.fields["starts_at"] and "2000" in out_of_range.value.fields["starts_at"]


def test_times_go_out_in_utc_with_z(app):
    operation = Operation("test", responses={200: MeetingOut})
    with app.test_request_context():
        moment = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
        assert operation.respond({"starts_at": moment}).get_json() == {"starts_at": "2026-12-01T09:00:00Z"}
        shanghai = "2026-12-01T17:00:00+08:00"
        assert operation.respond({"starts_at": shanghai}).get_json() == {"starts_at": "2026-12-01T09:00:00Z"}


def test_an_undeclared_response_key_fails_under_test_and_passes_in_production(app):
    operation = Operation("test", responses={200: MeetingOut})
    value = {"starts_at": "2026-12-01T09:00:00Z", "surprise": 1}
    with app.test_request_context():
        assert current_app.testing
        with pytest.raises(Exception, match="surprise"):
            operation.respond(value)
        current_app.testing = False
        try:
            assert operation.respond(value).get_json()["surprise"] == 1
        finally:
            current_app.testing = True


def test_the_error_model_is_the_error_body(client):
    body = client.get("/api/v1/me").get_json()
    assert ErrorBody.model_validate(body).error.code == "unauthorized"


# ---- lists -------------------------------------------------------------------------------------

class Row(Out):
    name: str


def test_a_keyset_page_goes_out_as_the_list_envelope(app):
    from types import SimpleNamespace

    from learnhub.api.schema import Page, PageQuery
    from learnhub.core.pagination import Page as KeysetPage

    operation = Operation("test", query=PageQuery, responses={200: Page[Row]})
    with app.app_context(), app.test_request_context("/?limit=2&cursor=abc"):
        query = operation.parse_query()
        assert (query.limit, query.cursor) == ("2", "abc")  # page_request reads and checks them
        page = KeysetPage(items=[SimpleNamespace(name="a"), {"name": "b"}], next="c2")
        assert operation.respond(page).get_json() == {"items": [{"name": "a"}, {"name": "b"}], "next": "c2"}
        last = KeysetPage(items=[], next=None)
        assert operation.respond(last).get_json() == {"items": [], "next": None}


def test_files_and_uploads_are_documented_by_media_type(app):
    from learnhub.api.document import _operation

    class FakeRule:
        rule, endpoint = "/api/v1/classes/<int:class_id>/roster/import", "api.import_roster"

    operation = Operation("Import", uploads={"file": "a roster"}, responses={200: Row, 201: File("text/csv")})
    refs = {(Row, "serialization"): {"$ref": REF_PREFIX + "Row"},
            (ErrorBody, "serialization"): {"$ref": REF_PREFIX + "ErrorBody"}}
    entry = _operation(FakeRule, operation, refs, {})
    assert entry["parameters"][0]["name"] == "id"
    form = entry["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and form["properties"]["file"]["format"] == "binary"
    assert entry["responses"]["201"]["content"] == {"text/csv": {"schema": {"type": "string", "format": "binary"}}}
    assert {"400", "413"} <= set(entry["responses"])
    with app.app_context(), app.test_request_context():
        with pytest.raises(TypeError):
            operation.respond(("a,b", 201))
