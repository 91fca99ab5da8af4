"""What keeps the web page safe: a password off the loopback address, paths kept inside
the working folder, uploads bounded in size and kind."""

from __future__ import annotations

import base64
import binascii
import hmac
from pathlib import PurePosixPath
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

#: Default bound of one upload (a record, a workbook or a .docx to check).
MAX_UPLOAD = 5 * 1024 * 1024

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class TooLarge(Exception):
    """The request body is over the upload limit."""


def problem_response(status: int, message: str, source: str = "") -> JSONResponse:
    """Return a JSON error the page shows: ``{"problems": [{…, "message": …}]}``."""
    body = {"problems": [{"source": source, "location": "", "field": "", "message": message}]}
    return JSONResponse(body, status_code=status)


def is_unsafe_path(value: str) -> bool:
    """Return whether ``value`` looks like a path that leaves the working folder."""
    text = unquote(value)
    return (
        "\x00" in text
        or "\\" in text
        or text.startswith("/")
        or (len(text) > 1 and text[1] == ":" and text[0].isalpha())
        or ".." in PurePosixPath(text).parts
    )


class Guard:
    """ASGI middleware: the password (HTTP Basic or Bearer) when one is set, the Host
    header on the loopback address (no DNS rebinding), requests that change something
    only from the page itself, and no ``..`` or absolute path in the URL's path or
    query parameters."""

    def __init__(self, app: ASGIApp, password: str | None, hosts: set[str] | None) -> None:
        self.app = app
        self.password = password
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refused = self._refusal(request)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, request: Request) -> Response | None:
        if self.hosts is not None and (request.url.hostname or "") not in self.hosts:
            return problem_response(400, "Địa chỉ máy chủ không được phép.")
        if self.password is not None and not self._authorised(request):
            response = problem_response(401, "Cần mật khẩu để mở trang này.")
            response.headers["WWW-Authenticate"] = 'Basic realm="vanban", charset="UTF-8"'
            return response
        if request.method not in {"GET", "HEAD"} and not _same_origin(request):
            return problem_response(403, "Yêu cầu từ trang khác bị từ chối.")
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        parts = raw_path.decode("latin-1").split("/")
        if any(unquote(part) == ".." or "\\" in unquote(part) for part in parts):
            return problem_response(400, _PATH_MESSAGE)
        for _, value in request.query_params.multi_items():
            if is_unsafe_path(value):
                return problem_response(400, _PATH_MESSAGE, value[:80])
        return None

    def _authorised(self, request: Request) -> bool:
        assert self.password is not None
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        given = ""
        if scheme.lower() == "bearer":
            given = value.strip()
        elif scheme.lower() == "basic":
            try:
                given = base64.b64decode(value.strip()).decode("utf-8").partition(":")[2]
            except (binascii.Error, UnicodeDecodeError):
                return False
        return hmac.compare_digest(given.encode(), self.password.encode())


def _same_origin(request: Request) -> bool:
    """Return whether a request that changes something comes from the page itself: its
    ``Origin`` (sent by browsers on such requests) names this server, and JSON bodies
    are declared as JSON (a cross-site form cannot, without a CORS preflight)."""
    origin = request.headers.get("origin")
    if origin is not None:
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1].rstrip("/") != host:
            return False
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in {"application/json", "multipart/form-data"}


_PATH_MESSAGE = (
    "Đường dẫn không hợp lệ: chỉ dùng đường dẫn tương đối bên trong thư mục làm việc "
    "(không có “..”, không bắt đầu bằng “/” hay tên ổ đĩa)."
)


async def bounded_body(request: Request, limit: int) -> bytes:
    """Read the request body, refusing more than ``limit`` bytes (:class:`TooLarge`),
    so that a later ``request.form()`` parses what was read."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette's form parser reads a cached body first
    return body
