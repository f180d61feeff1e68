"""`python -m tests.bench.hotpaths` (`make bench-wrk`, the first step of `make bench`): the hot
paths measured with wrk, one endpoint at a time, on SQLite and (with BENCH_DATABASE_URL)
PostgreSQL.

Per database: a throwaway database (a temp SQLite file, or the PostgreSQL one), seeded in bulk
before gunicorn starts (world.py), then gunicorn (2 sync workers unless WRK_WORKERS /
WRK_WORKER_CLASS say otherwise) and, per endpoint, one request by hand, a warm-up run and
`wrk -t2 -c32 -d6s --latency` (targets.py):

  healthz            GET /healthz: the base of the ratios (a run first and one last, their mean)
  unit_api           GET /api/v1/courses/{course}/units/{unit}, the bench member's bearer token
  unit_page          GET /courses/{course}/{unit}, the bench member's session cookie (real login)
  autosave           PUT /api/v1/attempts/{id}/answers/{q}, rotating over WRK_ATTEMPTS members'
                     own open attempts, each visit a changed answer
  exam_start         POST /api/v1/courses/{course}/quizzes/{quiz}/attempts {"exam"}: each request
                     a member of the crowd's class who never started it (201 expected); the run
                     stops when the crowd is spent and its rate is over the time it took
  checkin            POST /api/v1/checkin with the session's current code (fetched as the class's
                     head teacher just before the run): each request a member never checked in
  thread_page        GET /threads/{id}, a thread of WRK_THREAD_REPLIES replies, member cookie
  notifications_304  GET /api/v1/notifications with the current ETag: every answer must be 304
  dashboard          GET /api/v1/classes/{id}/progress?limit=100 (a class of 500), head teacher
  results            GET /api/v1/classes/{id}/exams/{exam}/results?limit=100 (500 graded
                     attempts), head teacher

Prints per endpoint requests/s, the ratio to /healthz beside issue 15's goal, p50/p99 and the
answers by status; with two databases a table of both side by side. Writes
bench-results/wrk.json. Never fails on timings: exits 1 when an answer had a status other than
the expected one (2xx; 201 for a start; 304 for the badge) or wrk saw socket errors (a timeout is
one: 10 s), 2 when a database could not be set up (the other is still measured). An endpoint
whose request by hand is answered wrongly (an app error) is a row marked not measured, and the
server's log is printed; the other endpoints are measured.

Environment:
  WRK_SECONDS (6), WRK_CONNECTIONS (32), WRK_THREADS (2), WRK_WARMUP seconds per endpoint (1)
  WRK_WORKERS (2), WRK_WORKER_CLASS (sync)   gunicorn's workers for the run
  WRK_DATABASES       sqlite, postgresql or both (default: sqlite, and postgresql when
                      BENCH_DATABASE_URL is set)
  BENCH_DATABASE_URL  a throwaway PostgreSQL database (postgresql+psycopg://...)
  WRK_CROWD (8000)    members who start the exam and check in, each once (an eighth of them
                      for the warm-ups); WRK_ATTEMPTS (200) open attempts the saves rotate over
  WRK_CHECKIN_CODE    short (the typed 6 digits with the session, default) or qr (the scanned code)
  WRK_DASHBOARD_MEMBERS / WRK_DASHBOARD_UNITS (500 x 60), WRK_RESULTS_MEMBERS (500),
  WRK_THREAD_REPLIES (80), WRK_NOTIFICATIONS (30)
  WRK_ONLY            comma-separated endpoints to measure (the names above; /healthz always)
  WRK_RESULTS         where to write the JSON (default bench-results/wrk.json)
  BENCH_APP_ROOT      run another checkout's code (an older commit) with this harness and venv
"""
