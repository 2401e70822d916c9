"""One JSON shape for every error of the API: ``{"detail": ..., "code": ..., "errors": [...]}``.

``errors`` lists what is wrong with the data (``index``: the row in a list, from 0, or null; ``field``; ``message``);
it is empty for other errors. Set as ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .services import Conflict, InvalidData, Problem

logger = logging.getLogger("plein.api")

INVALID_DETAIL = gettext_lazy(
    "The data is not valid, so nothing has been saved. Correct the errors listed in “errors” and send it again."
)


def invalid_response(problems: list[Problem]) -> Response:
    return Response(
        {
            "detail": str(INVALID_DETAIL),
            "code": "invalid",
            "errors": [{"index": p.index, "field": p.field, "message": p.message} for p in problems],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def _walk(detail: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _walk(value, (*path, key))
    elif isinstance(detail, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in detail):
            for item in detail:
                yield path, str(item)
        else:
            for position, item in enumerate(detail):
                if item:
                    yield from _walk(item, (*path, position))
    else:
        yield path, str(detail)


def problems_from_detail(detail: Any) -> list[Problem]:
    """DRF's nested validation errors as a flat list of problems."""
    problems = []
    for path, message in _walk(detail):
        index = next((part for part in path if isinstance(part, int)), None)
        names = [part for part in path if isinstance(part, str) and part != "non_field_errors"]
        field = names[-1] if names else ""
        if index is not None and field == "rows":
            field = ""
        problems.append(Problem(index, field, message))
    return problems


def exception_handler(exc, context):
    if isinstance(exc, InvalidData):
        return invalid_response(exc.problems)
    if isinstance(exc, Conflict):
        return Response(
            {
                "detail": exc.message,
                "code": "conflict",
                "errors": [{"index": None, "field": exc.field, "message": exc.message}],
            },
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        # A bug: log it with its traceback, and answer in the API's shape instead of an HTML error page.
        logger.error("Unexpected error in the API", exc_info=exc)
        return Response(
            {
                "detail": _(
                    "Something went wrong on our side. Try again later; if it keeps happening, tell the functional "
                    "administrator."
                ),
                "code": "server_error",
                "errors": [],
            },
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": str(INVALID_DETAIL),
            "code": "invalid",
            "errors": [
                {"index": p.index, "field": p.field, "message": p.message} for p in problems_from_detail(exc.detail)
            ],
        }
        return response
    if isinstance(exc, exceptions.NotAuthenticated):
        detail, code = (
            _("This part of the API needs an API token. Send it in the header “Authorization: Bearer <token>”."),
            "not_authenticated",
        )
    elif isinstance(exc, exceptions.APIException) and isinstance(exc.detail, str):
        detail, code = str(exc.detail), getattr(exc.detail, "code", None) or exc.default_code
    else:
        detail, code = str(getattr(exc, "detail", exc)), getattr(exc, "default_code", "error")
    response.data = {"detail": detail, "code": code, "errors": []}
    return response
