"""One error tree for the whole pipeline.

Every problem a user can fix is a :class:`Problem` (where, which field, what to do),
worded in Vietnamese. Errors carry their problems so that the CLI can print all of
them at once and map the error class to an exit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, a template or an output.

    Attributes:
        source: the file the problem is in (as the user named it).
        location: where in the file: "dòng 12", "hàng 7", "word/document.xml dòng 40".
        field: the field concerned, by its Vietnamese label; "" when not a field.
        message: what is wrong and how to fix it, in Vietnamese.
    """

    source: str
    location: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.source, self.location) if part)
        what = f"[{self.field}] " if self.field else ""
        return f"{where}: {what}{self.message}" if where else f"{what}{self.message}"


class VanbanError(Exception):
    """Base of every error the pipeline raises on purpose."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", "", "", problems)]
        self.problems: Sequence[Problem] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(VanbanError):
    """The input records are invalid: nothing was written."""

    exit_code = 2


class UsageError(VanbanError):
    """The command was called wrongly (missing file, unknown option value)."""

    exit_code = 2


class TemplateProblem(VanbanError):
    """A template is broken, unsafe, or uses a field the data does not have."""

    exit_code = 2


class ComplianceError(VanbanError):
    """A produced document breaks the format rules of its profile."""

    exit_code = 1


class RenderError(VanbanError):
    """Rendering or writing a document failed for a reason other than bad input."""

    exit_code = 1
