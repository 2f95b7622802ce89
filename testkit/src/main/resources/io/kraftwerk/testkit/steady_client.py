"""A steady client through a node's nginx: one request after another until /root/stop-client exists.

Prints "started" once the first request got its answer (callers wait for that line, so the client
is running before what they measure starts), then one JSON line: how many answers were 200, the
failures (status or error; the first ten), how many answers each version of the sample app gave,
and when (epoch milliseconds) each page heading was first seen.
"""

import http.client
import json
import os
import re
import sys
import time

host = sys.argv[1]
ok = 0
failures = []
versions = {}
first_seen = {}
started = False
while not os.path.exists("/root/stop-client"):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", 80, timeout=30)
        conn.request("GET", "/", headers={"Host": host, "Connection": "close"})
        answer = conn.getresponse()
        body = answer.read().decode("utf-8", "replace")
        conn.close()
        if answer.status == 200:
            ok += 1
            version = re.search(r"kwhello (\S+) on", body)
            key = version.group(1) if version else "?"
            versions[key] = versions.get(key, 0) + 1
            heading = re.search(r"<h1>(.*?)</h1>", body)
            if heading and heading.group(1) not in first_seen:
                first_seen[heading.group(1)] = int(time.time() * 1000)
        else:
            failures.append("%d %s" % (answer.status, body[:200]))
    except Exception as e:  # a reset or refused connection is a failed request too
        failures.append(repr(e))
    if not started:
        started = True
        print("started", flush=True)
print(json.dumps({"ok": ok, "failed": len(failures), "failures": failures[:10], "versions": versions,
                  "first_seen": first_seen}), flush=True)
