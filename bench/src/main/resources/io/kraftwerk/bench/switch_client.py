"""A steady client through nginx for ReleaseSwitchBenchmark: requests one after another until
/root/stop-client exists. Prints "started" after the first answer, then one JSON line: answers
that were 200, failures, and when (epoch milliseconds) each page heading was first seen."""

import http.client
import json
import os
import re
import sys
import time

host = sys.argv[1]
ok = 0
failed = 0
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
            heading = re.search(r"<h1>(.*?)</h1>", body)
            if heading and heading.group(1) not in first_seen:
                first_seen[heading.group(1)] = int(time.time() * 1000)
        else:
            failed += 1
    except Exception:
        failed += 1
    if not started:
        started = True
        print("started", flush=True)
print(json.dumps({"ok": ok, "failed": failed, "first_seen": first_seen}), flush=True)
