"""Convert many .docx files to PDF with ONE LibreOffice process, each under a timeout.

Why a UNO listener and not ``soffice --convert-to pdf a.docx b.docx …``: both start
LibreOffice once, but the command-line form reports nothing per file (exit status 0
even when a file failed to load), cannot bound the time of one document short of
killing the whole batch, and opens a non-Word file as plain text, turning garbage
into a "successful" one-page PDF. Here LibreOffice runs headless as a listener and
a small helper (``uno_worker.py``, run by the Python that has the UNO bridge) loads
and exports one document per request with the Word import filter forced. The parent
waits for each answer with a deadline: a document that takes too long gets
LibreOffice killed and is reported, and the next document starts a fresh
LibreOffice. ``starts`` counts LibreOffice starts, so a test can see a batch used one.

Measured on a 2-core machine (LibreOffice 7.4, Debian 12): ~1.6 s to start and
connect with a fresh profile; ~0.3 s for a 5-page document (load, layout, export).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from pipeline.errors import Problem
from pipeline.pdf import messages
from pipeline.pdf.session import Died, Session, StartFailed, Timeout, launch
from pipeline.pdf.tools import LibreOffice, find_libreoffice

logger = logging.getLogger(__name__)

#: Seconds one document may take (load + layout + export) before LibreOffice is killed.
DEFAULT_TIMEOUT = 60.0
#: Seconds LibreOffice may take to start and accept the helper (the first start
#: builds the profile; a cold CI disk can be slow).
START_TIMEOUT = 120.0
_STOP_GRACE = 5.0


@dataclass(frozen=True)
class PdfResult:
    """One document's conversion: the PDF written (or the problem), pages, seconds."""

    source: Path
    output: Path | None
    pages: int | None = None
    seconds: float = 0.0
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        """Whether the PDF was written."""
        return self.problem is None


def _docx_problem(path: Path) -> str | None:
    """Return why ``path`` cannot be a .docx (checked before bothering LibreOffice)."""
    if not path.is_file():
        return messages.NO_FILE
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile) as exc:
        return messages.not_docx(str(exc))
    if "word/document.xml" not in names:
        return messages.not_docx("thiếu phần word/document.xml")
    return None


class PdfConverter:
    """Converts .docx files to PDF through one headless LibreOffice (a context manager).

    LibreOffice starts at the first conversion, and again only after a document timed
    out or crashed it. ``starts`` counts the starts and ``start_seconds`` times them.
    The private profile lives in a temporary folder deleted on exit; on exit (Ctrl-C
    included) LibreOffice's whole process group is killed.
    """

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        libreoffice: LibreOffice | None = None,
        start_timeout: float = START_TIMEOUT,
        pdfa: bool = False,
    ) -> None:
        self.timeout = timeout
        self.pdfa = pdfa  # PDF/A-2b instead of plain PDF
        self.start_timeout = start_timeout
        self._libreoffice = libreoffice
        self.starts = 0
        self.start_seconds: list[float] = []
        self._session: Session | None = None
        self._home: Path | None = None
        self._broken: str | None = None

    def __enter__(self) -> Self:
        if self._libreoffice is None:
            self._libreoffice = find_libreoffice()
        self._home = Path(tempfile.mkdtemp(prefix="vanban-libreoffice-"))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # After Ctrl-C or an error, do not wait politely: kill at once.
        self.close(grace=_STOP_GRACE if exc_type is None else 0.0)

    @property
    def home(self) -> Path:
        """This converter's temporary folder (profile and log); deleted on exit."""
        if self._home is None:
            raise RuntimeError("PdfConverter used outside its `with` block")
        return self._home

    @property
    def pids(self) -> tuple[int, ...]:
        """The pids of the running LibreOffice launcher and helper (empty when stopped)."""
        if self._session is None:
            return ()
        return (self._session.soffice.pid, self._session.worker.pid)

    def start(self) -> None:
        """Start LibreOffice now (it starts at the first document otherwise), so that
        its start overlaps the caller's own work. A failure is reported by every
        document later asked for, as when the start fails at a document."""
        if self._broken is not None:
            return
        try:
            self._running()
        except StartFailed as exc:
            self._broken = messages.start_failed(str(exc), self._log_tail())

    def abort(self) -> None:
        """Stop LibreOffice now and refuse every later document (Ctrl-C, from another
        thread than the one converting: its conversion ends at once, reported)."""
        self._broken = messages.INTERRUPTED
        self._stop_session(grace=0.0)

    def close(self, grace: float = _STOP_GRACE) -> None:
        """Stop LibreOffice (if running) and delete the private profile."""
        self._stop_session(grace)
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def convert_all(
        self,
        sources: Iterable[Path],
        out_dir: Path | None = None,
        advance: Callable[[str], None] | None = None,
    ) -> list[PdfResult]:
        """Convert every source (PDF beside it, or in ``out_dir``); return one result each,
        calling ``advance(name)`` after each.

        A document that fails is reported in its result; the others go on.
        """
        results = []
        for source in sources:
            folder = out_dir if out_dir is not None else source.parent
            results.append(self.convert(source, folder / f"{source.stem}.pdf"))
            if advance is not None:
                advance(source.name)
        return results

    def convert(
        self,
        source: Path,
        target: Path | None = None,
        timeout: float | None = None,
        marks: bool = False,
    ) -> PdfResult:
        """Convert ``source`` to ``target`` (default: beside it, .pdf) within ``timeout``
        seconds (default: the converter's). A bad document is reported in the result,
        never raised; the PDF appears atomically or not at all, and an older PDF at
        ``target`` is removed on failure (it would not match the document any more).
        ``marks``: export the document's bookmarks as named destinations."""
        target = target if target is not None else source.with_suffix(".pdf")
        options = {"pdfa": self.pdfa, "marks": marks}
        answer = self._convert(source, target, timeout or self.timeout, options)
        seconds = float(answer.get("seconds", 0.0))
        if answer.get("ok"):
            return PdfResult(source, target, answer.get("pages"), seconds)
        message = str(answer.get("message") or messages.failed(str(answer.get("detail", ""))))
        if target.is_file():
            target.unlink()
            message += messages.STALE_REMOVED
        return PdfResult(source, None, None, seconds, Problem(str(source), "", "", message))

    def _convert(
        self, source: Path, target: Path, timeout: float, options: dict[str, bool]
    ) -> dict[str, Any]:
        problem = _docx_problem(source) or self._broken
        if problem is not None:
            return {"ok": False, "message": problem}
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        answer = self._ask(source, partial, timeout, options)
        if answer.get("ok") and partial.is_file():
            os.replace(partial, target)
            return answer
        partial.unlink(missing_ok=True)
        if answer.get("ok"):  # LibreOffice said done but wrote nothing
            answer.update(ok=False, detail="không thấy tệp PDF được ghi ra")
        return answer

    def _ask(
        self, source: Path, partial: Path, timeout: float, options: dict[str, bool]
    ) -> dict[str, Any]:
        """Return the helper's answer for one document, or a failure answer.

        If LibreOffice ends without answering, the document is tried once more with a
        fresh LibreOffice: it may have died of something else (killed, out of memory)
        before it saw this document. A document that ends it twice is reported.
        """
        answer = self._ask_once(source, partial, timeout, options)
        if answer.get("died") and self._broken is None:
            logger.warning("%s: LibreOffice ended; trying once more with a new one", source)
            answer = self._ask_once(source, partial, timeout, options)
        return answer

    def _ask_once(
        self, source: Path, partial: Path, timeout: float, options: dict[str, bool]
    ) -> dict[str, Any]:
        # ``seconds`` of the answer are the conversion's own; a start is timed apart.
        try:
            session = self._running()
        except StartFailed as exc:
            # LibreOffice cannot start here: fail this and every later document at once
            # instead of waiting for a start timeout per document.
            self._broken = messages.start_failed(str(exc), self._log_tail())
            return {"ok": False, "message": self._broken}
        if self._broken == messages.INTERRUPTED:  # aborted while LibreOffice started
            self._stop_session(grace=0.0)
            return {"ok": False, "message": self._broken}
        request: dict[str, Any] = {"src": str(source.resolve()), "dst": str(partial.resolve())}
        request.update(options)
        started = time.monotonic()
        try:
            answer = session.ask(request, timeout)
        except Timeout:
            logger.warning("%s: no answer in %g s, killing LibreOffice", source, timeout)
            self._stop_session(grace=0.0)
            return {"ok": False, "message": messages.timed_out(timeout), "seconds": timeout}
        except Died:
            self._stop_session(grace=0.0)
            answer = {"ok": False, "message": messages.CRASHED, "died": True}
        answer["seconds"] = time.monotonic() - started
        if not answer.get("ok") and "message" not in answer:
            answer["message"] = messages.worker_failure(answer)
            if not session.alive():
                self._stop_session(grace=0.0)
        return answer

    def _running(self) -> Session:
        if self._session is not None and not self._session.alive():
            self._stop_session(grace=0.0)
        if self._session is None:
            if self._libreoffice is None:
                raise RuntimeError("PdfConverter used outside its `with` block")
            started = time.monotonic()
            self.starts += 1
            # A fresh profile for every start: a LibreOffice killed mid-write may leave
            # its profile broken (first start ~0.2 s slower than with a warm profile).
            profile = self.home / f"profile-{self.starts}"
            self._session = launch(self._libreoffice, profile, self._log_path(), self.start_timeout)
            seconds = time.monotonic() - started
            self.start_seconds.append(seconds)
            pid = self._session.soffice.pid
            logger.info("LibreOffice start %d (pid %d) ready in %.2f s", self.starts, pid, seconds)
        return self._session

    def _stop_session(self, grace: float) -> None:
        if self._session is not None:
            self._session.stop(grace)
            self._session = None

    def _log_path(self) -> Path:
        return self.home / "libreoffice.log"

    def _log_tail(self, chars: int = 300) -> str:
        try:
            text = self._log_path().read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        # javaldx's warning is printed at every start and says nothing about a failure.
        lines = [line for line in text.splitlines() if "javaldx" not in line]
        return " ".join(" ".join(lines).split())[-chars:]
