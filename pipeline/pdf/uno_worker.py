"""Helper run by LibreOffice's Python (not vanban's): converts .docx files to PDF over UNO.

Started by :class:`pipeline.pdf.converter.PdfConverter` as
``python3 -I uno_worker.py PIPE_NAME CONNECT_SECONDS``, in the process group of the
``soffice --accept=pipe,name=PIPE_NAME`` it talks to. It needs only the standard
library and ``uno`` (Debian: python3-uno), so it must not import anything of vanban.

Protocol: one JSON object per line. The worker first writes ``{"ready": true}`` (or
``{"ready": false, "detail": …}``), then for every request line
``{"src": "/abs/a.docx", "dst": "/abs/a.pdf.tmp"}`` (optionally with ``"pdfa": true`` for
PDF/A-2b and ``"marks": true`` to export Writer bookmarks as named destinations, which
is how a batch's combined layout is split per commune) answers
``{"ok": true, "pages": 5}`` or ``{"ok": false, "reason": "load"|"export", "detail": …}``.
End of input (the parent closed the pipe or died) makes it close LibreOffice and exit.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import time
from typing import Any, TextIO

#: Import filter for .docx: without it LibreOffice opens a non-Word file as plain text
#: and "converts" garbage into a one-page PDF instead of failing.
DOCX_FILTER = "MS Word 2007 XML"
PDF_FILTER = "writer_pdf_Export"


def _props(uno: Any, **values: Any) -> tuple[Any, ...]:
    props = []
    for name, value in values.items():
        prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name = name
        prop.Value = value
        props.append(prop)
    return tuple(props)


def _connect(uno: Any, pipe: str, seconds: float) -> Any:
    """Return LibreOffice's desktop, retrying while LibreOffice is still starting."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + seconds
    while True:
        try:
            context = resolver.resolve(url)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def _page_count(document: Any) -> int | None:
    try:
        return int(document.CurrentController.PageCount)
    except Exception:
        return None


def _filter_data(uno: Any, pdfa: bool, marks: bool) -> Any:
    """Return the PDF export options: fonts are always embedded (LibreOffice embeds
    subsets by default); PDF/A-2b (``SelectPdfVersion`` 2) on request; bookmarks as
    named destinations on request."""
    options: dict[str, Any] = {}
    if pdfa:
        options["SelectPdfVersion"] = 2
    if marks:
        options["ExportBookmarksToPDFDestination"] = True
    return uno.Any("[]com.sun.star.beans.PropertyValue", _props(uno, **options))


def convert(
    uno: Any, desktop: Any, src: str, dst: str, pdfa: bool = False, marks: bool = False
) -> dict[str, Any]:
    """Open ``src`` hidden and read-only, export it to ``dst``; return the answer."""
    load = _props(
        uno,
        Hidden=True,
        ReadOnly=True,
        FilterName=DOCX_FILTER,
        MacroExecutionMode=0,  # NEVER_EXECUTE: documents are untrusted input
        UpdateDocMode=0,  # NO_UPDATE: never fetch linked content
    )
    try:
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, load)
    except Exception as exc:
        return {"ok": False, "reason": "load", "detail": f"{type(exc).__name__}: {exc}"}
    if document is None:
        return {"ok": False, "reason": "load", "detail": "loadComponentFromURL returned None"}
    try:
        store = _props(uno, FilterName=PDF_FILTER, FilterData=_filter_data(uno, pdfa, marks))
        # uno.invoke: a property whose value is a uno.Any must be passed this way.
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(dst), store))
        return {"ok": True, "pages": _page_count(document)}
    except Exception as exc:
        return {"ok": False, "reason": "export", "detail": f"{type(exc).__name__}: {exc}"}
    finally:
        try:
            document.close(True)
        except Exception:
            document.dispose()


def _say(out: TextIO, answer: dict[str, Any]) -> None:
    out.write(json.dumps(answer) + "\n")
    out.flush()


def serve(pipe: str, seconds: float) -> int:
    """Answer requests from stdin until it closes; return the exit status."""
    # Keep the protocol channel private: anything LibreOffice or a library prints on
    # stdout goes to stderr (the log) instead of into the parent's JSON stream.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    try:
        uno = importlib.import_module("uno")
        desktop = _connect(uno, pipe, seconds)
    except Exception as exc:
        _say(out, {"ready": False, "detail": f"{type(exc).__name__}: {exc}"})
        return 3
    try:
        _say(out, {"ready": True})
        for line in sys.stdin:
            request = json.loads(line)
            _say(
                out,
                convert(
                    uno,
                    desktop,
                    request["src"],
                    request["dst"],
                    bool(request.get("pdfa")),
                    bool(request.get("marks")),
                ),
            )
    finally:
        # Whatever ends the loop (end of input, a dead parent's broken pipe, a bad
        # request), LibreOffice must not outlive us. It may be gone already; the
        # parent also kills the whole process group.
        with contextlib.suppress(Exception):
            desktop.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1], float(sys.argv[2])))
