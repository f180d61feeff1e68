"""Gunicorn settings, read by `make run`, the bench, the fault runs and a plain `gunicorn wsgi:app`
started in this folder (gunicorn loads ./gunicorn.conf.py by default; `-c` names another).

Why gevent workers: a sync worker waits for the request of each connection it accepts, so
two phones on a bad campus link (or two clients that connect and send nothing) hold both
workers and everyone else waits. A gevent worker serves each connection in a greenlet:
idle and slow clients wait in the event loop (thousands of them) while the others are
answered. psycopg cooperates once gevent has patched `select` (gunicorn patches before it
loads the app: never set preload_app). Override any setting on the command line
(`--workers 4`) or with GUNICORN_CMD_ARGS.
"""
import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gevent")
# Open connections per worker (idle keep-alives and slow clients included).
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "2000"))
# A request still running after this many seconds gets its worker restarted.
timeout = 30
# Idle keep-alive connections are closed after this many seconds.
keepalive = 5
# Bounds on what a client may send before the app sees it (gunicorn answers 400/431).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# With an access log on (--access-logfile - or GUNICORN_CMD_ARGS), gunicorn's usual line plus the
# X-Request-Id the app echoed ("-" without one): a load balancer's or client's id ties one
# request's lines on every host together. The app echoes only short plain ids (core/request_id.py),
# so nothing else reaches the log this way. Without an access log this costs nothing.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
