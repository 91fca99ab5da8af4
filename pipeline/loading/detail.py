"""Whether folded problems are shown cell by cell ("details on request").

A sheet or column left unfilled is one problem by default ("Chưa điền 43 ô của cột
Thôn giảm"); ``vanban validate --chi-tiet`` runs the loaders inside :func:`details` so
that every empty cell is its own problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_SHOW: ContextVar[bool] = ContextVar("vanban_problem_details", default=False)

#: Appended to a folded problem: how to see each cell.
DETAILS_HINT = " (Xem từng ô: vanban validate --chi-tiet.)"


def showing_details() -> bool:
    """Return whether problems are to be listed cell by cell."""
    return _SHOW.get()


@contextmanager
def details(on: bool = True) -> Iterator[None]:
    """List problems cell by cell (``on``) inside the ``with`` block."""
    token = _SHOW.set(on)
    try:
        yield
    finally:
        _SHOW.reset(token)
