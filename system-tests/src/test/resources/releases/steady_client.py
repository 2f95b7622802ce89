"""A steady client through nginx: one request after another until /root/stop-client exists.

Prints "started" once the first request got its answer (the test waits for that line, so the
client is running before the deployment starts), then one JSON line: how many answers were
200, every failure (status or error, first ten), and how many answers each app version gave.
"""

import http.client
import json
import os
import re
import sys

host = sys.argv[1]
ok = 0
failures = []
versions = {}
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
            match = re.search(r"kwhello (\S+) on", body)
            version = match.group(1) if match else "?"
            versions[version] = versions.get(version, 0) + 1
        else:
            failures.append("%d %s" % (answer.status, body[:200]))
    except Exception as e:  # a reset or refused connection is a failed request too
        failures.append(repr(e))
    if not started:
        started = True
        print("started", flush=True)
print(json.dumps({"ok": ok, "failed": len(failures), "failures": failures[:10], "versions": versions}), flush=True)
