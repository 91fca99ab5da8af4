"""Helpers for the web tests: a working folder copied from inputs/ and a real server
(uvicorn, as ``vanban serve`` runs it) on a free loopback port, in a thread."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from pipeline.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent


def work_folder(base: Path) -> Path:
    """Return a working folder under ``base`` holding a copy of the repository's inputs/."""
    folder = base / "work"
    shutil.copytree(ROOT / "inputs", folder / "inputs")
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running(
    folder: Path, *, password: str | None = None, max_upload: int = 5 * 1024 * 1024
) -> Iterator[str]:
    """Serve ``folder`` while the block runs; yield the page's base URL."""
    port = _free_port()
    app = create_app(folder, password=password, max_upload=max_upload)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
