"""Declare an /api/v1 endpoint once: pydantic v2 models validate the request, serialise the
response and write the OpenAPI document (api/openapi.py serves it at /api/v1/openapi.json).

How to declare an endpoint
--------------------------
Models live beside their routes, in the area's module (api/<area>.py)::

    class AnswerIn(Body):                      # a JSON body: strict types, unknown keys ignored
        response: JsonValue

    class Saved(Out):                          # a response body
        saved_at: ApiDateTime

    @bp.put("/attempts/<int:attempt_id>/answers/<int:question_id>")
    @declare("Save one answer", body=AnswerIn, responses={200: Saved},
             errors=(403, 404, 409), tags=("attempts",))
    def save_answer(attempt_id: int, question_id: int, body: AnswerIn):
        ...
        return {"saved_at": saved_at}          # or a Saved, or an object with those attributes

- `@declare` goes right under the route decorator (a decorator that uses functools.wraps,
  like the rate limits, may sit between them). The route gives the path and the method; the
  path parameters are documented from the rule's converters, named as API.md names them
  (`<int:attempt_id>` is `{id}`: see document.PATH_NAMES).
- `body=`: the view gets `body=` a validated instance. The body is read by core.api.json_body
  first, so a body that is not JSON stays 400 `invalid_json`, a JSON body that is not an
  object 422 `invalid_body`, and a NUL or unpaired surrogate in any string 422 `invalid_text`.
  `body_required=False`: an empty body is the model's defaults.
- `query=`: a `Query` model (lax: "5" is 5); the view gets `query=`.
- `responses={status: Model}`: what the view may return, per status (None: no body, e.g.
  204). The view returns a value for the lowest declared 2xx status, or `(value, status)`,
  or a flask Response (sent unchanged). The value is validated against the model (dicts,
  model instances, or objects read by attribute) and dumped straight to JSON. Response
  models allow undeclared keys in production (never a 500 for a missing declaration), but
  tests run with app.testing and refuse them: the document cannot silently fall behind.
  Keys the value leaves out are left out (exclude_unset): a key that is sometimes absent is
  declared with a default, `token: str = None` (absent or a string; Optional[...] if null).
- `errors=(...)`: the error statuses the endpoint answers with the error body. 422 and 503
  are always listed, 401 unless `public=True`, 400/413/422 when there is a body. An error
  status with its own body shape goes in `responses` instead.
- A file: `responses={200: File("text/csv")}` (the view returns its Response); a multipart
  upload: `uploads={"file": "a CSV or XLSX roster"}` (documented; the view reads request.files).
- `summary`, `description`, `tags`, `public` (no authentication: `security: []`), `links`
  ({status: OpenAPI links}) and `path` ({name: extra parameter schema}) go to the document.

Errors
------
Raise DomainError (core.errors) as before: `{"error": {"code", "message"}}`; one with a
`fields` attribute (core.errors.FieldError) adds `"fields"`. A body or
query that fails its model is 422 `invalid_field` (or the code given as `invalid_code=`)
with `"fields": {name: message}` naming every field at fault (dotted for nested ones:
`marks.0.status`); messages go through Flask-Babel (FIELD_MESSAGES), so they follow the
caller's Accept-Language. ErrorBody is the model of that body.

Datetimes
---------
`ApiDateTime` is the one time field of the API: in, an ISO 8601 string with an offset (`Z` or
`+08:00`; a time without one, or outside core.times' years, is 422 `invalid_field`), read as
aware UTC; out, core.types.iso (`2026-11-24T12:00:00Z`). `ApiDate` is a calendar date
(`2026-09-01`, exactly that form, in and out).

Lists
-----
`Page[Item]` is the list envelope `{"items": [...], "next": cursor or null}`, and `PageQuery`
its `?limit=` / `?cursor=` (subclass it for filters). core.pagination's Page has that shape,
so a view may return it as it is (items read by attribute, or turned into dicts first)::

    @bp.get("/notifications")
    @declare("The caller's notifications", query=PageQuery, responses={200: Page[NotificationItem]},
             errors=(400,))
    def list_notifications(query: PageQuery):
        return paginate(select(Notification)..., KEYS, **page_request())

Constants (roles, stages, statuses) are `Literal[CONSTANT]` of the model's or policy's tuple
(`Literal[ROLES]` from auth.models), never retyped.

Adding an endpoint
------------------
Name the view as the operation (its name is the operationId the fuzzer's links name), put
its checks in the models rather than in the view, and return plain values. The body is
validated before the view runs, so a bad body on a missing object is a 422 before the view's
404. Run tests/test_openapi_document.py and the endpoint's tests: an undeclared response
key fails, and every /api/v1 rule must be in the document.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Annotated, Any, Callable, Generic, Optional, TypeVar

from flask import Response, current_app, request
from flask_babel import lazy_gettext as _l
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from ..core.api import json_body
from ..core.errors import DomainError
from ..core.times import MAX_YEAR, MIN_YEAR, in_range
from ..core.types import iso

__all__ = ["ApiDate", "ApiDateTime", "Body", "ErrorBody", "File", "Id", "JsonValue", "Out", "Page", "PageQuery",
           "Query", "declare", "text"]


# ---- base models -------------------------------------------------------------------------------

class Body(BaseModel):
    """A JSON request body: types as sent (no "5" for 5), unknown keys ignored as before."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Query(BaseModel):
    """Query arguments: strings converted to the declared types ("5" is 5, "1" is true)."""

    model_config = ConfigDict(extra="ignore")


class Out(BaseModel):
    """A response body. Undeclared keys pass through (refused under app.testing: see above)."""

    model_config = ConfigDict(extra="allow")


# ---- shared field types ------------------------------------------------------------------------

def _time(value: Any) -> datetime:
    if isinstance(value, datetime):  # a response's own value
        if value.tzinfo is None:
            raise PydanticCustomError("time_offset", "a time without an offset")
        return value
    if not isinstance(value, str) or not 10 < len(value) <= 40:
        raise PydanticCustomError("time_offset", "not a time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise PydanticCustomError("time_offset", "not a time") from None
    if moment.tzinfo is None:
        raise PydanticCustomError("time_offset", "a time without an offset")
    if not in_range(moment):
        raise PydanticCustomError("time_range", "out of range")
    return moment.astimezone(timezone.utc)


ApiDateTime = Annotated[datetime, BeforeValidator(_time), PlainSerializer(iso, return_type=str),
                        WithJsonSchema({"type": "string", "format": "date-time"})]


def _day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):  # a response's own value
        return value
    if isinstance(value, str) and len(value) == 10:  # YYYY-MM-DD only: fromisoformat takes 20260901 too
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_format", "not a date")


# A calendar date (a term's first day, a stage date): YYYY-MM-DD in and out.
ApiDate = Annotated[date, BeforeValidator(_day),
                    PlainSerializer(date.isoformat, return_type=str, when_used="json"),
                    WithJsonSchema({"type": "string", "format": "date"})]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]  # beyond 32 bits: no such row


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "blank")
    return value


def text(max_length: int, blank: bool = False):
    """A string of at most `max_length` characters; unless `blank`, not empty nor only spaces."""
    if blank:
        return Annotated[str, Field(max_length=max_length)]
    return Annotated[str, Field(min_length=1, max_length=max_length), AfterValidator(_not_blank)]


T = TypeVar("T")


class Page(Out, Generic[T]):
    """The list envelope (API.md conventions)."""

    items: list[T]
    next: Optional[str] = Field(description="the cursor of the next page; null on the last")


class PageQuery(Query):
    """?limit= and ?cursor=, documented here and read by core.pagination.page_request (which
    keeps its 400 invalid_limit / invalid_cursor); a list's filters subclass this."""

    limit: Annotated[Optional[str], WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 100})] = Field(
        None, description="items per page (default 20)")
    cursor: Optional[str] = Field(None, description="the `next` of the page before")


class ErrorDetail(Out):
    code: str
    message: str
    fields: Optional[dict[str, str]] = Field(None, description="invalid_field: every field at fault")


class ErrorBody(Out):
    error: ErrorDetail


# ---- validation errors as the API's 422 --------------------------------------------------------

class InvalidFields(DomainError):
    """422 naming every field at fault: {"error": {"code", "message", "fields"}}."""

    status = 422

    def __init__(self, code: str, fields: dict[str, str]):
        first = next(iter(fields.values()))
        message = first if len(fields) == 1 else _l("These fields are not valid: %(fields)s.",
                                                    fields=", ".join(fields))
        super().__init__(422, code, message)
        self.fields = fields


_WHOLE = _l("'%(field)s' must be a whole number.")
_OBJECT = _l("'%(field)s' must be an object.")
# pydantic's error types -> our messages (msgids shared with the hand-written checks).
FIELD_MESSAGES = {
    "missing": _l("'%(field)s' is required."),
    "string_type": _l("'%(field)s' must be text."),
    "blank": _l("'%(field)s' must be a non-empty string."),
    "string_too_short": _l("'%(field)s' must be a non-empty string."),
    "string_too_long": _l("'%(field)s' is longer than %(n)d characters."),
    "int_type": _WHOLE, "int_parsing": _WHOLE, "int_from_float": _WHOLE,
    "float_type": _l("'%(field)s' must be a number."), "float_parsing": _l("'%(field)s' must be a number."),
    "bool_type": _l("'%(field)s' must be true or false."), "bool_parsing": _l("'%(field)s' must be true or false."),
    "literal_error": _l("'%(field)s' must be one of %(expected)s."),
    "enum": _l("'%(field)s' must be one of %(expected)s."),
    "greater_than_equal": _l("'%(field)s' must be at least %(n)s."),
    "less_than_equal": _l("'%(field)s' must be at most %(n)s."),
    "list_type": _l("'%(field)s' must be a list."),
    "too_long": _l("'%(field)s' has more than %(n)d items."),
    "too_short": _l("'%(field)s' needs at least %(n)d items."),
    "dict_type": _OBJECT, "model_type": _OBJECT, "model_attributes_type": _OBJECT,
    "extra_forbidden": _l("Unknown field '%(field)s'."),
    "time_offset": _l("'%(field)s' must be a time with its offset, like 2026-12-01T09:00:00+08:00."),
    "date_format": _l("'%(field)s' must be a date like 2026-09-01."),
    "time_range": _l("'%(field)s' must be a time between the years %(low)d and %(high)d."),
}
_INVALID = _l("'%(field)s' is not valid.")


def _location(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "body"


def field_messages(error: ValidationError) -> dict[str, str]:
    """{field: message in the request's language}, one per field at fault (its first error)."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False, include_input=False):
        name = _location(item["loc"])
        if name in fields:
            continue
        ctx = item.get("ctx") or {}
        bound = next((ctx[key] for key in ("max_length", "min_length", "ge", "le") if key in ctx), None)
        params = {"field": name, "low": MIN_YEAR, "high": MAX_YEAR, "n": bound, **ctx}
        if "expected" in params:  # "'a', 'b' or 'c'" as pydantic says it: keep its quoting
            params["expected"] = str(params["expected"]).replace(" or ", ", ")
        template = FIELD_MESSAGES.get(item["type"], _INVALID)
        try:
            fields[name] = str(template) % params
        except (KeyError, TypeError, ValueError):  # a ctx without what the template names
            fields[name] = str(_INVALID) % {"field": name}
    return fields


# ---- the declaration ---------------------------------------------------------------------------

@dataclass(frozen=True)
class File:
    """A response that is a file, not JSON (`responses={200: File("text/csv")}`): the view
    returns the flask Response itself."""

    media_type: str
    description: str = "A file"


@dataclass
class Operation:
    """What `declare` records on the view (api/openapi.py reads it)."""

    summary: str
    description: str | None = None
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    responses: dict[int, Any] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    public: bool = False
    invalid_code: str = "invalid_field"
    links: dict[int, dict] = field(default_factory=dict)
    path: dict[str, dict] = field(default_factory=dict)
    uploads: dict[str, str] = field(default_factory=dict)  # multipart file field -> description
    adapters: dict[int, TypeAdapter] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.adapters = {status: TypeAdapter(model) for status, model in self.responses.items()
                         if model is not None and not isinstance(model, File)}
        successes = sorted(status for status in self.responses if status < 300)
        if not successes:
            raise ValueError(f"declare({self.summary!r}): no 2xx response declared")
        self.default_status = successes[0]

    def error_statuses(self) -> list[int]:
        statuses = set(self.errors) | {422, 503}
        if not self.public:
            statuses.add(401)
        if self.body is not None or self.uploads:
            statuses |= {400, 413}
        return sorted(statuses - set(self.responses))

    # -- in a request --

    def parse_body(self):
        if not self.body_required and not request.get_data(cache=True):
            data: Any = {}
        else:
            data = json_body()  # 400 invalid_json / 422 invalid_body / 422 invalid_text
        return self._validate(self.body, data)

    def parse_query(self):
        return self._validate(self.query, request.args.to_dict())

    def _validate(self, model: type[BaseModel], data):
        try:
            return model.model_validate(data)
        except ValidationError as error:
            raise InvalidFields(self.invalid_code, field_messages(error)) from None

    def respond(self, result) -> Response:
        if isinstance(result, Response):
            return result
        value, status = result if isinstance(result, tuple) else (result, self.default_status)
        if status not in self.responses:
            raise LookupError(f"{request.endpoint} answered {status}, which it does not declare")
        if isinstance(self.responses[status], File):
            raise TypeError(f"{request.endpoint} must answer {status} with a Response (a file)")
        adapter = self.adapters.get(status)
        if adapter is None:
            return Response(status=status)
        # Under test, a key the model lacks is an error: the declaration must say everything.
        checked = adapter.validate_python(value, from_attributes=True,
                                          extra="forbid" if current_app.testing else None)
        return Response(adapter.dump_json(checked, exclude_unset=True), status, mimetype="application/json")


def declare(summary: str, **options) -> Callable:
    """Declare the view's request and responses (see this module's docstring)."""
    operation = Operation(summary, **options)

    def decorate(view):
        @functools.wraps(view)
        def endpoint(**kwargs):
            if operation.query is not None:
                kwargs["query"] = operation.parse_query()
            if operation.body is not None:
                kwargs["body"] = operation.parse_body()
            return operation.respond(view(**kwargs))

        endpoint.operation = operation
        return endpoint

    return decorate


def operation_of(view) -> Operation | None:
    return getattr(view, "operation", None)
