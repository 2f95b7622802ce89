"""The WSGI callable: a greeting page, uploads into the app's data dir, a health check."""

import html
import os
import time

from kwhello import __version__

MAX_UPLOAD = 10 * 1024 * 1024


def _uploads_dir():
    return os.environ.get("DATA_DIR_UPLOADS", "/tmp/kwhello-uploads")


def _respond(start_response, status, body, content_type="text/plain; charset=utf-8"):
    data = body.encode("utf-8")
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]


def _index(environ, start_response):
    greeting = os.environ.get("HELLO_GREETING", "Hello")
    uploads = _uploads_dir()
    count = len([n for n in os.listdir(uploads) if not n.startswith(".")]) if os.path.isdir(uploads) else 0
    page = (
        "<!doctype html><html><head><title>kwhello</title>"
        '<link rel="stylesheet" href="/static/style.css"></head><body>'
        f"<h1>{html.escape(greeting)}</h1>"
        f"<p>kwhello {__version__} on {html.escape(os.uname().nodename)}; {count} file(s) uploaded.</p>"
        "</body></html>"
    )
    return _respond(start_response, "200 OK", page, "text/html; charset=utf-8")


def _upload(environ, start_response):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _respond(start_response, "400 Bad Request", "bad Content-Length\n")
    if length <= 0 or length > MAX_UPLOAD:
        return _respond(start_response, "413 Payload Too Large", "empty or too large\n")
    body = environ["wsgi.input"].read(length)
    name = "upload-%d-%d" % (int(time.time() * 1000), os.getpid())
    path = os.path.join(_uploads_dir(), name)
    with open(path + ".tmp", "wb") as out:
        out.write(body)
    os.replace(path + ".tmp", path)
    return _respond(start_response, "201 Created", name + "\n")


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    method = environ.get("REQUEST_METHOD", "GET")
    if path == "/healthz":
        return _respond(start_response, "200 OK", "ok\n")
    if path == "/" and method in ("GET", "HEAD"):
        return _index(environ, start_response)
    if path == "/upload" and method == "POST":
        return _upload(environ, start_response)
    return _respond(start_response, "404 Not Found", "not found\n")
