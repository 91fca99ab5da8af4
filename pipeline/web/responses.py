"""How the web page answers: problems as JSON with their status, files as attachments."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pipeline import api
from pipeline.errors import (
    ComplianceError,
    InputError,
    Problem,
    TemplateProblem,
    UsageError,
    VanbanError,
)
from pipeline.pdf import Preview
from pipeline.web.security import TooLarge, bounded_body, problem_response

ROOTS: set[str] = set()  # the working folders served by this process

Handler = Callable[[Request], Awaitable[Response]]


def problem_json(problem: Problem, path: tuple[str | int, ...] = ()) -> dict[str, Any]:
    """Return a problem as the page reads it (its file relative to the working folder)."""
    source = problem.source
    for root in ROOTS:  # the working folder's files are named relative to it
        source = source.replace(f"{root}/", "")
    return {
        "source": source,
        "location": problem.location,
        "field": problem.field,
        "message": problem.message,
        "path": list(path),
    }


def status_of(exc: VanbanError) -> int:
    """Return the HTTP status of an error: 409 stale, 422 invalid, 400 usage, else 500."""
    if isinstance(exc, api.StaleEdit):
        return 409
    if isinstance(exc, InputError | ComplianceError | TemplateProblem):
        return 422
    if isinstance(exc, UsageError):
        return 400
    return 500


def error_response(exc: VanbanError) -> JSONResponse:
    """Return the JSON answer of an error: its problems, with its status."""
    problems = [problem_json(p) for p in exc.problems]
    return JSONResponse({"problems": problems}, status_code=status_of(exc))


class Located(InputError):
    """Problems of form data, each with its field's path."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(
            [Problem(p["source"], p["location"], p["field"], p["message"]) for p in problems]
        )
        self.located = problems


class Unsupported(UsageError):
    """An upload of a kind of file the endpoint does not take (415)."""

    def __init__(self, name: str, suffixes: tuple[str, ...]) -> None:
        message = f"Không nhận loại tệp này: chỉ nhận {', '.join(suffixes)}."
        super().__init__([Problem(name, "", "", message)])


def image_json(result: Preview) -> dict[str, Any]:
    """Return where the page finds a preview image, and which page of how many it is."""
    name = result.output.name
    return {"image": f"/api/cache/{name}", "page": result.page, "pages": result.pages}


def jsonable(value: Any) -> Any:
    """Return YAML data as JSON data (dates as dd/mm/yyyy, which the record reads back)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, date):  # a YAML date: shown the Vietnamese way
        return value.strftime("%d/%m/%Y")
    return str(value)  # dates: "2026-10-20", which the record reads back


async def json_body(request: Request, limit: int) -> dict[str, Any]:
    """Return the request's JSON object (at most ``limit`` bytes).

    Raises:
        UsageError: not a JSON object. TooLarge: over ``limit``.
    """
    raw = await bounded_body(request, limit)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise UsageError([Problem("", "", "", "Yêu cầu không đúng dạng JSON.")])
    return body


def attachment(data: bytes, name: str, media: str) -> Response:
    """Return ``data`` as a file download named ``name``."""
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


def wrap(handler: Handler) -> Handler:
    """Return ``handler`` answering errors as JSON problems (413, 415, 422, 409, 400)."""

    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except TooLarge:
            return problem_response(413, "Tệp quá lớn: vượt giới hạn dung lượng tải lên.")
        except Unsupported as exc:
            return JSONResponse({"problems": [problem_json(p) for p in exc.problems]}, 415)
        except Located as exc:
            return JSONResponse({"problems": exc.located}, status_code=422)
        except VanbanError as exc:
            return error_response(exc)

    return run
