"""API fuzzing: `make fuzz` (or `python -m tests.fuzz`).

Runs schemathesis against the OpenAPI document the app serves (/api/v1/openapi.json) on a
live gunicorn server with a throwaway database (tests/bench/server.py) and seeded content,
as a member with a bearer token. It fails on any 5xx, any status the document does not
list for the operation, and any response whose body does not match the documented schema.
Not part of pytest's collection (no test_*.py files here).

Environment:
  FUZZ_SECONDS       schemathesis' time budget (default 100; the whole run is about 2 min)
  FUZZ_SEED          a seed to replay a run (schemathesis prints the one it used)
  FUZZ_DATABASE_URL  fuzz against this database instead of a temp SQLite file (throwaway!
                     `make fuzz-pg` makes one and drops it afterwards)
  FUZZ_REPORT_DIR    also write a HAR file and a JUnit report of the run there
"""
