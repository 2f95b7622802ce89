"""A minimal blog front page: the title from BLOG_TITLE."""

import html
import os


def application(environ, start_response):
    body = ("<h1>%s</h1>" % html.escape(os.environ.get("BLOG_TITLE", "blog"))).encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
