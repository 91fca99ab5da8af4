"""One running LibreOffice listener and the UNO helper that drives it.

``launch`` starts ``soffice --headless --accept=pipe,…`` in a new process group with
a private profile, then the helper (``uno_worker.py``) in the same group, and waits
until the helper has connected. ``Session.stop`` ends the group as one: the helper
closes LibreOffice politely when there is time, SIGKILL does the rest.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import secrets
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any

from pipeline.pdf.tools import LibreOffice

logger = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("uno_worker.py")


class Timeout(Exception):
    """The helper gave no answer in time."""


class Died(Exception):
    """The helper ended: LibreOffice crashed, or the helper itself failed."""


class StartFailed(Exception):
    """LibreOffice did not start or did not accept the helper's connection."""


class Session:
    """A LibreOffice process and its helper, asked one JSON request at a time."""

    def __init__(self, soffice: subprocess.Popen[bytes], worker: subprocess.Popen[bytes]) -> None:
        self.soffice = soffice
        self.worker = worker
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._read, args=(worker.stdout,), daemon=True).start()

    def _read(self, stream: IO[bytes] | None) -> None:
        # A thread and a queue, not select(): portable, and the blocked read ends with
        # EOF as soon as the helper dies or is killed.
        if stream is not None:
            # ``stop`` may close the stream under us: that is an end of input too.
            with contextlib.suppress(OSError, ValueError):
                for line in stream:
                    self._lines.put(line)
        self._lines.put(None)

    def answer(self, seconds: float) -> dict[str, Any]:
        """Return the helper's next answer.

        Raises:
            Timeout: no answer within ``seconds``.
            Died: the helper ended.
        """
        try:
            line = self._lines.get(timeout=seconds)
        except queue.Empty:
            raise Timeout from None
        if line is None:
            raise Died
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, request: dict[str, Any], seconds: float) -> dict[str, Any]:
        """Send ``request`` and return the answer (raises as :meth:`answer`)."""
        stdin = self.worker.stdin
        if stdin is None or self.worker.poll() is not None:
            raise Died
        try:
            stdin.write((json.dumps(request) + "\n").encode())
            stdin.flush()
        except OSError:
            raise Died from None
        return self.answer(seconds)

    def alive(self) -> bool:
        """Whether LibreOffice and the helper are both still running."""
        return self.soffice.poll() is None and self.worker.poll() is None

    def stop(self, grace: float) -> None:
        """Let the helper close LibreOffice (up to ``grace`` s), then kill the group."""
        if grace > 0 and self.worker.stdin is not None:
            # End of input: the helper terminates LibreOffice and exits.
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                self.worker.stdin.close()
                self.soffice.wait(grace)
        # soffice (a shell script) execs oosplash, which starts soffice.bin; the helper
        # joined the same group. One killpg ends all of them, even a hung soffice.bin.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.soffice.pid, signal.SIGKILL)
        for process in (self.worker, self.soffice):
            try:
                process.wait(10)  # reap: no zombie left behind
            except subprocess.TimeoutExpired:
                logger.warning("process %d did not exit after SIGKILL", process.pid)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()


def _soffice_command(libreoffice: LibreOffice, profile: Path, pipe: str) -> list[str]:
    return [
        str(libreoffice.soffice),
        f"-env:UserInstallation={profile.as_uri()}",  # private: parallel runs never clash
        "--headless",
        "--invisible",
        "--nocrashreport",
        "--nodefault",
        "--nologo",
        "--norestore",
        "--nolockcheck",
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]


def _wait_ready(session: Session, seconds: float) -> dict[str, Any]:
    """Return the helper's first answer; fail fast if LibreOffice exits meanwhile."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return session.answer(0.2)
        except Died:
            return {"ready": False, "detail": "chương trình kết nối tới LibreOffice đã dừng"}
        except Timeout:
            # soffice stays alive while LibreOffice runs (oosplash even restarts it
            # after a first start), so its exit means LibreOffice has given up.
            code = session.soffice.poll()
            if code is not None:
                return {"ready": False, "detail": f"LibreOffice dừng ngay, mã thoát {code}"}
            if time.monotonic() > deadline:
                return {
                    "ready": False,
                    "detail": f"LibreOffice không phản hồi sau {seconds:g} giây",
                }


def launch(libreoffice: LibreOffice, profile: Path, log: Path, start_timeout: float) -> Session:
    """Start LibreOffice and the helper; return once the helper is connected.

    Raises:
        StartFailed: LibreOffice or the helper did not come up within ``start_timeout``.
    """
    # A named pipe, not a TCP port: no port to choose, nothing reachable from outside.
    pipe = f"vanban-{os.getpid()}-{secrets.token_hex(6)}"
    with log.open("ab") as sink:
        soffice = subprocess.Popen(
            _soffice_command(libreoffice, profile, pipe),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
            # Its own process group (in our session, so that the helper may join it):
            # Ctrl-C at the terminal does not reach it, one killpg ends it.
            process_group=0,
        )
        try:
            worker = subprocess.Popen(
                [str(libreoffice.python), "-I", str(WORKER), pipe, str(start_timeout)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=sink,
                process_group=soffice.pid,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(soffice.pid, signal.SIGKILL)
            soffice.wait()
            raise StartFailed(str(exc)) from None
    session = Session(soffice, worker)
    ready = _wait_ready(session, start_timeout + 10)
    if not ready.get("ready"):
        session.stop(grace=0.0)
        raise StartFailed(str(ready.get("detail", "")))
    return session
