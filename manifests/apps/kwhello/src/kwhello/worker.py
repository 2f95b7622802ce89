"""Background worker: reads its ini file and records a heartbeat in the uploads dir."""

import argparse
import configparser
import os
import signal
import sys
import time

_running = True


def _stop(signum, frame):
    global _running
    _running = False


def main(argv=None):
    parser = argparse.ArgumentParser(prog="kwhello.worker")
    parser.add_argument("--config", required=True)
    parser.add_argument("--interval", type=float, default=5.0)
    args = parser.parse_args(argv)
    config = configparser.ConfigParser()
    if not config.read(args.config):
        print(f"kwhello.worker: cannot read {args.config}", file=sys.stderr)
        return 1
    uploads = config.get("worker", "uploads")
    signal.signal(signal.SIGTERM, _stop)
    print(f"kwhello.worker: watching {uploads}", flush=True)
    while _running:
        heartbeat = os.path.join(uploads, ".worker-heartbeat")
        with open(heartbeat + ".tmp", "w") as out:
            out.write(f"{time.time():.0f}\n")
        os.replace(heartbeat + ".tmp", heartbeat)
        time.sleep(args.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
