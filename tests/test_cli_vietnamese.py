"""Every word a user sees from the command line is Vietnamese, click's own included."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import main

#: click's English words: none may appear in a help page or a usage error.
FORBIDDEN = (
    "Usage",
    "Options",
    "Commands",
    "Error",
    "Missing",
    "Show this message",
    "and exit",
    "default",
    "required",
    "Try '",
    "for help",
    "No such",
    "Invalid value",
    "is not one of",
    "Did you mean",
    "does not exist",
    "Got unexpected",
    "TEXT",
    "INTEGER",
    "PATH",
    "DIRECTORY",
    "BOOLEAN",
    "RANGE",
    "[OPTIONS]",
    "COMMAND",
    "[ARGS]",
    # arguments named in English in the code
    "INPUT",
    "INPUTS",
    "INPUTS_DIR",
    "SPEC",
    "FILE",
    "FILES",
    "FOLDER",
    "FOLDERS",
    "PATHS",
    "BUILD_DIR",
)


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out.extend(_commands(command, (*prefix, name)))
        else:
            out.append((*prefix, name))
    return out


COMMANDS = _commands(main)


def _english(text: str) -> list[str]:
    # Whole words: a rule id such as HEADER_TITLE_TEXT is not click's "TEXT".
    return [word for word in FORBIDDEN if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text)]


def test_every_command_is_listed() -> None:
    assert ("render",) in COMMANDS and ("workbook", "new") in COMMANDS and len(COMMANDS) > 12


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "vanban")
def test_help_has_no_english_framework_words(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"], prog_name="vanban")
    assert result.exit_code == 0, result.output
    assert "Cách dùng: vanban" in result.output
    assert "Tùy chọn:" in result.output
    assert _english(result.output) == []


@pytest.mark.parametrize(
    "args",
    [
        ["render"],  # a missing argument
        ["buil"],  # an unknown command, with a suggestion
        ["check", "--profile", "x", "a.docx"],  # a value not among the choices
        ["batch", "a.batch.yaml", "-j", "0"],  # out of range
        ["batch", "a.batch.yaml", "-j", "hai"],  # not a number
        ["render", "a.yaml", "--khong-co"],  # an unknown option
        ["render", "a.yaml", "b.yaml"],  # an extra argument
        ["build", "-o"],  # an option without its value
        ["workbook", "new", "ke-hoach"],  # a missing required option
        [],  # no command at all
    ],
    ids=lambda a: " ".join(a) or "none",
)
def test_usage_errors_are_vietnamese(args: list[str]) -> None:
    result = CliRunner().invoke(main, args, prog_name="vanban")
    assert result.exit_code == 2, result.output
    assert "Lỗi:" in result.output or "Lệnh:" in result.output
    assert _english(result.output) == [], result.output
