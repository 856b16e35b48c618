"""gunicorn settings for serving the planner: the Dockerfile and docker-compose.yml use it.

    gunicorn enablement.wsgi --config gunicorn.conf.py

Command-line flags override what is set here (the benchmarks bind to 127.0.0.1 and fix
the worker count that way); gunicorn's own WEB_CONCURRENCY sets the number of workers.
"""

import os


def _cpu_count() -> int:
    # The CPUs this process may run on, which a container limits, not the host's count.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


bind = "0.0.0.0:8000"

# Synchronous workers: every request is a short database-bound page, so processes, not
# threads, keep one slow page from holding up the others. Two per CPU plus one is
# gunicorn's rule of thumb; WEB_CONCURRENCY overrides it where memory is the limit.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cpu_count() + 1)

# A worker silent for this long is killed and replaced; no page takes a second when well.
timeout = 30
graceful_timeout = 30
# Longer than gunicorn's 2 s default: a load balancer in front reuses its connections.
keepalive = 5

# Replace each worker after about a thousand requests, at staggered moments, so a slow
# leak cannot grow without bound and the workers never restart together.
max_requests = 1000
max_requests_jitter = 100
# Import the app once, in the master, so a replaced worker is a fork ready in
# milliseconds instead of a second of imports taken from the requests it should serve.
# Django opens database connections on the first query, so none is shared by the fork.
# A deploy restarts the processes (new containers); a HUP alone would not reload code.
preload_app = True

# Access and error logs on stdout and stderr, where containers collect them; %(M)s is the
# request time in milliseconds.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Heartbeat files in memory: a container's /tmp may be a slow overlay file system.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# No runtime control socket: it would be created in the home directory, which the image's
# user does not have, and nothing here uses it.
control_socket_disable = True
