"""Start the web page: checks, then uvicorn (a production ASGI server) on one port."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

from pipeline.errors import Problem, UsageError
from pipeline.web.security import LOOPBACK, MAX_UPLOAD


def check_start(root: Path, host: str, password: str | None) -> None:
    """Refuse to start without a password off the loopback address, or without a
    working folder.

    Raises:
        UsageError: the reason, in Vietnamese.
    """
    if host not in LOOPBACK and not password:
        raise UsageError(
            [
                Problem(
                    "--host",
                    "",
                    "",
                    f"Mở trang ở địa chỉ {host} thì máy khác trong mạng cũng vào được: cần đặt "
                    "mật khẩu (--password hoặc biến môi trường VANBAN_WEB_PASSWORD). Chỉ dùng "
                    "trên máy này thì bỏ --host (mặc định 127.0.0.1).",
                )
            ]
        )
    if not root.is_dir():
        raise UsageError([Problem(str(root), "", "", "Không có thư mục làm việc này.")])


def serve(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    password: str | None = None,
    open_browser: bool = True,
    max_upload: int = MAX_UPLOAD,
) -> None:
    """Serve the web page over the working folder ``root`` until Ctrl-C.

    Raises:
        UsageError: see :func:`check_start`.
    """
    check_start(root, host, password)
    import uvicorn

    from pipeline.web.app import create_app

    app = create_app(root, password=password, host=host, max_upload=max_upload)
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    url = f"http://{shown}:{port}/"
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    print(f"Trang vanban: {url} (thư mục {root.resolve()}); Ctrl-C để dừng.", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
