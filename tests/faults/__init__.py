"""Fault run: `make faults` (or `python -m tests.faults`); `make faults-pg` on PostgreSQL.

N members take the bench exam through the API (bearer tokens) against gunicorn with
several workers (tests/bench/server.py), saving answers as fast as a busy class would. While
they do, one gunicorn worker is killed with SIGKILL and, on a local PostgreSQL, the
database is stopped for a few seconds and started again. Then everyone submits and the
database is checked (tests/bench/verify.py): every acknowledged save (a 200 with
saved_at) is in its attempt with the last acknowledged response per question, and every
attempt was graded exactly once.

The client behaves like a real one: a save that got no HTTP answer (the worker died under
it) or a 503 (the database is down; Retry-After is honoured) is sent again until it is
answered. A 500 is never right (during an outage the answer is 503): it is counted, the
save is retried, and the run fails. Exit status: 0 clean, 1 on any loss, any 500, any
attempt not graded exactly once or any other unexpected answer, 2 if the run could not
be set up. Not part of pytest's collection (no test_*.py files here).

Environment:
  FAULTS_DATABASE_URL     run against this database (throwaway!) instead of a temp SQLite
                          file; a local PostgreSQL is also restarted mid-run
  FAULTS_MEMBERS          members saving at once (default 40)
  FAULTS_SECONDS          how long they save before submitting (default 40)
  FAULTS_WORKERS          gunicorn workers (default 3)
  FAULTS_OUTAGE_SECONDS   how long PostgreSQL stays stopped (default 5)
  FAULTS_IDLE_CLIENTS     connections held open sending nothing for the whole run (default 200)
  FAULTS_SLOW_CLIENTS     connections sending a request one byte a second (default 100); while
                          both are open /healthz must answer within 5 s (tests/faults/slow_clients.py)
"""
