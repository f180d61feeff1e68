"""Benchmark harness: `make bench` (or `python -m tests.bench`).

Starts the app under gunicorn on a free port with a throwaway database, drives each
registered scenario with locust (headless, in-process) and prints throughput and latency
percentiles, each as a ratio of `/healthz` measured in the same run. It never asserts on
timings; it exits non-zero only when requests failed or the exam lost answers.

Environment:
  BENCH_SECONDS       measured seconds per scenario (default 15)
  BENCH_USERS         concurrent locust users per scenario (default 20)
  BENCH_SCENARIOS     comma-separated scenario names to run (default: all)
  BENCH_DATABASE_URL  bench on this database instead of a temp SQLite file (use a
                      throwaway one, e.g. postgresql://postgres@127.0.0.1:5432/bench)
  BENCH_REDIS_URL     give the server this REDIS_URL (default: none, in-memory limits)
  BENCH_EXAM_USERS    members taking the exam at once in the "exam" scenario (default 300)
  BENCH_EXAM_SAVES    answers each of them saves before submitting (default 5)
  BENCH_CHECKIN_USERS members checking in to one session in "checkin" (default 300)
  BENCH_CHECKIN_SECONDS  the seconds over which they arrive (default 20)

The "exam" scenario (exam.py) also checks the database afterwards (verify.py) and exits
non-zero if an acknowledged answer is missing or an attempt was not graded exactly once.
The server reads a copy of content/ with a bench exam added (content.py).

Deliberately imports nothing: `__main__` must import locust (which monkey-patches the
standard library with gevent) before anything else is loaded.
"""
