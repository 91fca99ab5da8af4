"""click's own words in Vietnamese: "Usage", "Options", "Error: Missing argument"…

click words its help and errors through ``gettext`` (``_`` and ``ngettext`` in each of
its modules). :func:`install` points those at the table below, so every message click
makes itself is Vietnamese; :class:`VnCommand` and :class:`VnGroup` also name the
metavars ("[TÙY_CHỌN]", "LỆNH", "SỐ", "THƯ_MỤC"…) in Vietnamese. A message missing from
the table stays English: ``tests/test_cli_vietnamese.py`` lists the words that must not
appear in any help or usage error.
"""

from __future__ import annotations

import re
from typing import Any

import click

#: click's messages (msgid, English) → Vietnamese. Placeholders are click's own.
MESSAGES: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "argument": "tham số",
    "option": "tùy chọn",
    "parameter": "tham số",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Aborted!": "Đã dừng.",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "(dynamic)": "(tùy lúc chạy)",
    "env var: {var}": "biến môi trường: {var}",
    "deprecated": "không còn dùng",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là {number_type} hợp lệ.",
    "integer": "số nguyên",
    "float": "số thực",
    "{value} is not in the range {range}.": "{value} không nằm trong khoảng {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không có.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp, không phải thư mục.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục, không phải tệp.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} không đọc được.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} không ghi được.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} không chạy được.",
    "file": "Tệp",
    "directory": "Thư mục",
    "path": "Đường dẫn",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} nhận {nargs} giá trị.",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "unknown error": "lỗi không rõ",
    "Error: invalid input": "Lỗi: giá trị không hợp lệ",
}

#: Plural messages: (singular, plural) → Vietnamese (one form).
PLURALS: dict[tuple[str, str], str] = {
    (
        "Got unexpected extra argument ({args})",
        "Got unexpected extra arguments ({args})",
    ): "Thừa tham số ({args})",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Có phải ý bạn là {possibility}?"
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} không có trong: {choices}."
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Tùy chọn {name!r} cần một giá trị."
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Cần {nargs} giá trị, chỉ có {len}."
    ),
}

#: Metavars of click's parameter types (shown in help): the type's name → Vietnamese.
METAVARS: dict[str, str] = {
    "text": "CHỮ",
    "integer": "SỐ",
    "integer range": "SỐ",
    "float": "SỐ",
    "float range": "SỐ",
    "boolean": "CÓ/KHÔNG",
    "path": "ĐƯỜNG_DẪN",
    "file": "TỆP",
    "uuid": "MÃ",
}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    found = PLURALS.get((singular, plural))
    if found is not None:
        if "{possibility}" in found and n != 1:
            return "(Có phải ý bạn là một trong: {possibilities}?)"
        if "{choices}" in found and n == 1:
            return "{value!r} không phải là {choice}."
        return found
    return singular if n == 1 else plural


_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def install() -> None:
    """Make click word its own messages in Vietnamese (idempotent)."""
    import importlib

    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]


#: Arguments named in English in the code (``input``) → how usage lines and help show them.
ARGUMENTS: dict[str, str] = {
    "input": "HỒ_SƠ",
    "inputs": "HỒ_SƠ",
    "record": "HỒ_SƠ",
    "inputs_dir": "THƯ_MỤC_ĐẦU_VÀO",
    "spec": "TỆP_ĐỢT",
    "file": "TỆP",
    "files": "TỆP",
    "name": "TÊN_MẪU",
    "folder": "THƯ_MỤC",
    "folders": "THƯ_MỤC",
    "paths": "ĐƯỜNG_DẪN",
    "kind": "LOẠI",
}
#: Other upper-case names that help texts use for a value ("BUILD_DIR/<tên đợt>/").
WORDS: dict[str, str] = {"BUILD_DIR": "THƯ_MỤC"}


def _vietnamese_arguments(command: click.Command) -> None:
    """Name arguments in Vietnamese, and say the same names in the command's help."""
    renamed = dict(WORDS)
    for param in command.params:
        if isinstance(param, click.Argument) and param.metavar is None and param.name:
            new = ARGUMENTS.get(param.name)
            if new is not None:
                param.metavar = new + ("..." if param.nargs != 1 else "")
                renamed[param.name.upper()] = new

    def said(text: str | None) -> str | None:
        if not text:
            return text
        for old, new in renamed.items():
            text = re.sub(rf"(?<![\w]){re.escape(old)}(?![\w])", new, text)
        return text

    if "help" in vars(command):  # a help made when shown (vanban check) is left alone
        command.help = said(command.help)
    command.short_help = said(command.short_help)
    for param in command.params:
        if isinstance(param, click.Option):
            param.help = said(param.help)


def _vietnamese_metavars(params: list[click.Parameter]) -> None:
    for param in params:
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            if isinstance(param.type, click.Choice):
                continue  # the choices themselves are shown
            if isinstance(param.type, click.Path):
                param.metavar = "THƯ_MỤC" if not param.type.file_okay else "TỆP"
                continue
            param.metavar = METAVARS.get(param.type.name, param.type.name.upper())


class VnCommand(click.Command):
    """A command whose help, usage line and metavars are in Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        super().__init__(*args, **kwargs)
        _vietnamese_metavars(self.params)
        _vietnamese_arguments(self)


class VnGroup(click.Group):
    """A group whose own help, its commands' and its sub-groups' are in Vietnamese."""

    command_class = VnCommand
    group_class = type  # sub-groups are VnGroup too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        kwargs.setdefault("subcommand_metavar", "LỆNH [THAM_SỐ]...")
        super().__init__(*args, **kwargs)
        _vietnamese_metavars(self.params)


install()
