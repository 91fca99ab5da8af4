"""Read YAML keeping the line of every key and list item, for error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import InputError, Problem
from pipeline.limits import YAML_BYTES, YAML_NODES, check_file

PathKey = tuple[str | int, ...]

#: Keys whose value is text even when it looks like a number: document numbers
#: ("0129", which YAML reads as the number 129, "0204" as octal 132) and labels
#: stated by hand ("1.", which YAML reads as 1.0). What the person typed is kept.
TEXT_NUMBER_KEYS = frozenset({"so"})


@dataclass
class YamlDocument:
    """Parsed YAML data and the line (1-based) where each path starts."""

    source: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    #: What the person typed for each other unquoted value YAML read as a number
    #: (``so_ban: 010`` is octal 8 for YAML; here it is "010").
    typed_numbers: dict[PathKey, str] = field(default_factory=dict)
    #: Problems found while reading (a repeated key) when asked to go on past them.
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int:
        """Return the line of ``path``, or of its closest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1

    def where(self, path: PathKey) -> str:
        """Return where ``path`` is, as a message says it: "dòng 12" (a workbook: a cell)."""
        return f"dòng {self.line_of(path)}"


class _TooManyNodes(Exception):
    """The YAML builds more than :data:`YAML_NODES` values (an alias bomb)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.loader = yaml.SafeLoader("")
        self.lines: dict[PathKey, int] = {}
        self.problems: list[Problem] = []
        self.typed_numbers: dict[PathKey, str] = {}
        self.budget = YAML_NODES

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        # Aliases (*name) repeat a node wherever they stand: counted each time, so
        # that a few lines of nested aliases cannot build billions of values.
        self.budget -= 1
        if self.budget < 0:
            raise _TooManyNodes(node.start_mark.line + 1)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError):
            # e.g. "2026-02-30" looks like a date but is not one: keep the text and let
            # the record's validation say what is wrong with it.
            return node.value
        plain = isinstance(node, yaml.ScalarNode) and not node.style
        if plain and isinstance(value, int | float) and not isinstance(value, bool):
            if path and path[-1] in TEXT_NUMBER_KEYS:
                return node.value  # "so: 0204" is the text 0204, not YAML's octal 132
            self.typed_numbers[path] = node.value
        return value

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, (*path, "<key>"))
            if not isinstance(key, str | int):
                key = str(key)
            line = key_node.start_mark.line + 1
            if key in out:
                self.problems.append(
                    Problem(
                        self.source,
                        f"dòng {line}",
                        str(key),
                        f"Khóa “{key}” bị lặp lại trong cùng một khối: giữ một, xóa hoặc "
                        "đổi tên khóa còn lại.",
                    )
                )
            self.lines[(*path, key)] = line
            out[key] = self.build(value_node, (*path, key))
        return out


#: PyYAML's words for the usual mistakes, said in Vietnamese.
_SYNTAX = (
    ("mapping values are not allowed", "dấu “:” đặt sai chỗ, hoặc văn bản có “: ” cần ngoặc kép"),
    ("could not find expected ':'", "thiếu dấu “:” sau tên trường"),
    ("cannot start any token", "có ký tự không được dùng ở đầu giá trị (Tab, @, `…)"),
    ("expected <block end>", "thụt lề không đều giữa các dòng cùng cấp"),
    ("found undefined alias", "bí danh “*tên” chưa được khai báo bằng “&tên”"),
    ("found unexpected end of stream", "tệp kết thúc giữa chừng (thiếu dấu ngoặc đóng?)"),
    ("found unknown escape character", "ký tự “\\” lạ trong chuỗi ngoặc kép"),
    ("while scanning a quoted scalar", "thiếu dấu ngoặc kép đóng"),
    ("did not find expected", "thiếu dấu đóng hoặc dấu phẩy giữa các mục"),
    ("special characters are not allowed", "có ký tự điều khiển không được dùng"),
)


def _syntax(problem: str | None) -> str:
    text = problem or ""
    for english, vietnamese in _SYNTAX:
        if english in text:
            return vietnamese
    return "cấu trúc không đúng"


def parse_yaml(text: str, source: str, *, keep_going: bool = False) -> YamlDocument:
    """Parse ``text`` (YAML) into data with a line map.

    With ``keep_going``, a repeated key is not raised but kept in the document's
    ``problems`` (the last value counts), so that the rest of the file is checked too.

    Raises:
        InputError: the text is not valid YAML, or (without ``keep_going``) a mapping
            repeats a key.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        raise InputError(
            [
                Problem(
                    source,
                    where,
                    "",
                    f"Tệp YAML sai cú pháp ({_syntax(exc.problem)}). Kiểm tra thụt lề, dấu “:” "
                    "sau tên trường và dấu ngoặc kép quanh văn bản có dấu “:” hoặc “#”.",
                )
            ]
        ) from None
    except yaml.YAMLError:
        raise InputError(
            [Problem(source, "", "", "Tệp YAML không đọc được (có ký tự lạ?): lưu lại bằng UTF-8.")]
        ) from None
    except RecursionError:
        raise InputError(
            [Problem(source, "", "", "Tệp YAML lồng nhau quá sâu: viết lại cho phẳng hơn.")]
        ) from None
    builder = _Builder(source)
    try:
        data = None if node is None else builder.build(node, ())
    except _TooManyNodes as exc:
        raise InputError(
            [
                Problem(
                    source,
                    f"dòng {exc.line}",
                    "",
                    f"Tệp tạo ra quá nhiều giá trị (hơn {YAML_NODES:_} — thường do bí danh "
                    "“*tên” lồng nhau lặp lại một khối nhiều lần). Viết thẳng nội dung, "
                    "bỏ các bí danh “&tên”/“*tên” lồng nhau.".replace("_", "."),
                )
            ]
        ) from None
    except RecursionError:
        raise InputError(
            [
                Problem(
                    source,
                    "",
                    "",
                    "Tệp lồng nhau quá sâu (hoặc một bí danh “*tên” trỏ vào chính khối chứa "
                    "nó): viết lại cho phẳng hơn.",
                )
            ]
        ) from None
    if builder.problems and not keep_going:
        raise InputError(builder.problems)
    return YamlDocument(
        source,
        data,
        builder.lines,
        typed_numbers=builder.typed_numbers,
        problems=builder.problems,
    )


def read_yaml(path: Path, *, keep_going: bool = False) -> YamlDocument:
    """Read and parse the YAML file at ``path``.

    Raises:
        InputError: the file is missing, unreadable, not UTF-8 or not valid YAML.
    """
    check_file(path, YAML_BYTES, "tệp YAML")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            [Problem(str(path), "", "", "Không tìm thấy tệp. Kiểm tra đường dẫn.")]
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "",
                    "Tệp không phải mã UTF-8. Lưu lại tệp với mã hóa UTF-8.",
                )
            ]
        ) from None
    except OSError as exc:
        raise InputError(
            [Problem(str(path), "", "", f"Không đọc được tệp: {exc.strerror}.")]
        ) from None
    return parse_yaml(text, str(path), keep_going=keep_going)


def read_mapping(path: Path, what: str, *, keep_going: bool = False) -> YamlDocument:
    """Read the YAML file at ``path``, which must hold a mapping of fields.

    ``what`` says, in Vietnamese, what the file must be ("Tệp hồ sơ phải là …").

    Raises:
        InputError: the file is unreadable, not YAML, or not a mapping.
    """
    doc = read_yaml(path, keep_going=keep_going)
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.source, "dòng 1", "", what)])
    return doc
