"""Errors of /api/v1 answered as the OpenAPI document describes them: JSON
`{"error": "...", "parameter": "..."}`, whatever failed (a route that does not match, a wrong
method, a limit, a server error), never the HTML error page."""

from flask import jsonify, request

PREFIX = "/api/v1"

#: Status -> the message of the JSON error body.
MESSAGES = {
    400: "bad request",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    413: "request too large",
    429: "too many requests",
    500: "server error",
}


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def json_error(status: int, message: str | None = None, parameter: str | None = None):
    body = {"error": message or MESSAGES.get(status, "error")}
    if parameter:
        body["parameter"] = parameter
    response = jsonify(body)
    response.status_code = status
    return response
