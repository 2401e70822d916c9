"""The bare WSGI baseline of ``benchmarks/run``: hello, world, served by gunicorn with the project's settings."""

BODY = b"hello, world\n"
HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
