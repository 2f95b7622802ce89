"""Touches the status page's heartbeat file every five seconds, until runit stops it."""

import os
import signal
import sys
import time

path = sys.argv[1]
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
while True:
    with open(path + ".tmp", "w") as out:
        out.write("%d\n" % time.time())
    os.replace(path + ".tmp", path)
    time.sleep(5)
