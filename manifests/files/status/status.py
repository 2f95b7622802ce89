"""The node's status page for monitoring: 200 while the heartbeat beside it is fresh.

Served by Debian's gunicorn on 127.0.0.1:8099 (gunicorn_app[status]); the heartbeat service
(runit_service[status-heartbeat]) writes the time every few seconds. A stale heartbeat means
runit or the node is stuck: the page answers 503, which monitoring alerts on.
"""

import os
import time

HEARTBEAT = "/var/lib/kw-status/heartbeat"
STALE = 30


def application(environ, start_response):
    try:
        age = time.time() - os.stat(HEARTBEAT).st_mtime
    except OSError:
        age = None
    healthy = age is not None and age < STALE
    body = ("ok" if healthy else "stale") + " node=%s heartbeat_age=%s\n" % (
        os.uname().nodename, "none" if age is None else "%.0f" % age)
    start_response("200 OK" if healthy else "503 Service Unavailable",
                   [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body.encode("utf-8")]
