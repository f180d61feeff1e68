"""The exam crowd: `python -m tests.bench.crowd` (`make bench-crowd`).

A whole college sits one exam: CROWD_MEMBERS members of one class (`flask bench seed-crowd`),
each on its own connection (wrk, one connection per member, crowd.lua), open the exam's page,
press start at a random moment of a CROWD_START_WINDOW-second window, save a changed answer
every 5-10 s for CROWD_SAVE_SECONDS, then submit. Meanwhile a small second class whose exam
time runs out mid-run is closed by `flask quizzes close-overdue` run on every instance at
once, a few times. Then the database is checked against what the server acknowledged:
every attempt holds the last answer saved with a 200 for each question, was submitted and
graded exactly once, no member has two attempts, nothing was closed twice.

It prints, per kind of request (open, start, save, submit): count, throughput, p50/p99 and
errors (first bodies); how long after the window opened the last start was answered; the
database check; the goals (start p99 < 2 s, save p99 < 500 ms, everybody started within
the window) as MET or MISSED. It exits 1 on any error or failed check, never on timings,
and writes bench-results/crowd.json.

Environment:
  CROWD_MEMBERS        members of the crowd (default 3000)
  CROWD_SAVE_SECONDS   how long each member keeps saving after its start (default 120)
  CROWD_START_WINDOW   seconds over which the members press start (default 10)
  CROWD_CONNECT_SECONDS  seconds from connecting to the window's opening (default 5 + 1 per
                       100 members: every member should have opened the exam page by then)
  CROWD_INSTANCES      gunicorn masters sharing the database and Redis, the crowd split
                       between them, one wrk each (default 1; 2 needs PostgreSQL)
  CROWD_OVERDUE        members whose exam time runs out mid-run, for close-overdue (default 40; 0: none)
  CROWD_SEED           random seed of the members' moments and answers (default: random)
  CROWD_RESULTS        where to write the JSON (default bench-results/crowd.json)
  BENCH_DATABASE_URL   a throwaway PostgreSQL database instead of a temp SQLite file
  BENCH_REDIS_URL      Redis for the instances' rate limits (default with 2 instances:
                       redis://127.0.0.1:6379/15)

Each instance is gunicorn with gunicorn.conf.py's gevent workers (2), keeping idle
connections open 300 s: wrk cannot carry a member over a connection the server closed
while the member waited for its next save.
"""
