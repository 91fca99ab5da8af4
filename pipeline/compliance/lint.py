"""Template lint: what a user broke when they edited a template in Word.

Checks every part that can hold tags (body, headers, footers): tags Word split across
runs (repaired when rendering, reported so the user can retype them), tags split across
paragraphs (not repairable), quotes Word made curly inside tags, Jinja syntax errors,
and variables or attributes that the template's data (its context model) lacks.

The Jinja side comes in as two callables (``patch``: docxtpl's XML clean-up of one
part; ``compile``: the sandboxed environment's parse + compile), so that this module
reads templates without depending on the renderer.
"""

from __future__ import annotations

import dataclasses
import io
import re
import types
import typing
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from jinja2 import TemplateError, TemplateSyntaxError, meta, nodes
from lxml import etree  # type: ignore[import-untyped]

from pipeline.compliance.package import w
from pipeline.compliance.paras import Para, flatten, part_paragraphs, text_runs
from pipeline.limits import LOOP_ITERATIONS, SIZE

_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPEN = re.compile(r"\{\{|\{%|\{#")
_SMART = "“”‘’"
_XML_TAG = re.compile(r"<[^>]+>")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_BUILTINS = {"loop", "range", "dict", "cycler", "joiner", "namespace", "true", "false"}
#: Methods of the data a template might try to call or read (the sandbox refuses them).
_DATA_METHODS = frozenset(
    name for kind in (str, dict, list, tuple, int) for name in dir(kind) if not name.startswith("_")
)

Kind = Literal[
    "syntax",
    "undefined",
    "split_tag",
    "split_paragraphs",
    "smart_quotes",
    "unreadable",
    "unsafe",
    "limit",
]


@dataclass(frozen=True)
class LintFinding:
    """One problem of a template: which part, where in it, how bad, what to do."""

    template: str
    part: str
    where: str
    severity: Literal["error", "warning"]
    kind: Kind
    message: str

    def __str__(self) -> str:
        label = "LỖI" if self.severity == "error" else "CẢNH BÁO"
        place = ", ".join(p for p in (self.part, self.where) if p)
        return f"[{label}] {self.template}: {place}: {self.message}"

    def to_json(self) -> dict[str, str]:
        """Return the JSON object of this finding."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Jinja:
    """The renderer's view of a part: docxtpl's clean-up and the sandboxed compiler."""

    patch: Callable[[str], str]
    compile: Callable[[str], nodes.Template]


def lint_template(
    data: bytes, name: str, jinja: Jinja, variables: Mapping[str, Any]
) -> list[LintFinding]:
    """Return the problems of the template ``data`` whose data has ``variables``
    (name → type, e.g. the fields of a context dataclass)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = [(n, archive.read(n)) for n in archive.namelist() if _PART.match(n)]
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        return [LintFinding(name, "", "", "error", "unreadable", f"Không mở được mẫu ({exc}).")]
    out: list[LintFinding] = []
    for part, raw in parts:
        xml = raw.decode("utf-8", errors="replace")
        if not _OPEN.search(xml):
            continue
        out.extend(_word_findings(name, part, raw))
        out.extend(_jinja_findings(name, part, xml, jinja, variables))
    return out


def _paragraphs(part: str, raw: bytes) -> list[Para]:
    root = etree.fromstring(raw, _PARSER)
    body = root.find(w("body"))
    return flatten(body) if body is not None else part_paragraphs(root, part)


def _word_findings(name: str, part: str, raw: bytes) -> Iterator[LintFinding]:
    try:
        paras = _paragraphs(part, raw)
    except etree.XMLSyntaxError as exc:
        yield LintFinding(name, part, "", "error", "unreadable", f"XML hỏng: {exc}.")
        return
    for para in paras:
        texts = ["".join(t.text or "" for t in r.iter(w("t"))) for r in text_runs(para.el)]
        for severity, kind, message in _tag_problems(texts):
            yield LintFinding(name, part, str(para.location()), severity, kind, message)


def _tag_problems(texts: list[str]) -> Iterator[tuple[Literal["error", "warning"], Kind, str]]:
    """Yield (severity, kind, message) for the tags of one paragraph whose runs are ``texts``."""
    joined = "".join(texts)
    rest = _TAG.sub("", joined)
    if _OPEN.search(rest) or re.search(r"\}\}|%\}", rest):
        yield (
            "error",
            "split_paragraphs",
            (
                "Thẻ bị ngắt sang đoạn khác (có Enter giữa “{{”/“{%” và “}}”/“%}”): "
                "gõ lại cả thẻ trên một dòng."
            ),
        )
    bounds = _run_bounds(texts)
    for match in _TAG.finditer(joined):
        runs = sum(1 for lo, hi in bounds if lo < match.end() and hi > match.start())
        tag = match.group(0)
        if runs > 1:
            yield (
                "warning",
                "split_tag",
                (
                    f"Word đã tách thẻ “{tag}” thành {runs} đoạn chữ (run) có định dạng riêng; "
                    "vanban tự ghép lại khi tạo văn bản và lấy định dạng của đoạn đầu. "
                    "Nên xóa và gõ lại thẻ một lần, không sửa giữa chừng."
                ),
            )
        if any(ch in tag for ch in _SMART):
            yield (
                "warning",
                "smart_quotes",
                (
                    f"Word đã đổi dấu nháy trong thẻ “{tag}” thành nháy cong; vanban tự đổi lại "
                    "khi tạo văn bản. Tắt AutoCorrect “Straight quotes with smart quotes” và gõ "
                    "lại dấu nháy thẳng (' hoặc \")."
                ),
            )


def _run_bounds(texts: list[str]) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for text in texts:
        bounds.append((start, start + len(text)))
        start += len(text)
    return bounds


def _excerpt(source: str, lineno: int | None) -> str:
    lines = source.splitlines()
    if not lineno or not 0 < lineno <= len(lines):
        return ""
    text = " ".join(_XML_TAG.sub("", lines[lineno - 1]).split())
    return f"đoạn “{text[:80]}”" if text else ""


def _jinja_findings(
    name: str, part: str, xml: str, jinja: Jinja, variables: Mapping[str, Any]
) -> list[LintFinding]:
    source = jinja.patch(xml)
    try:
        tree = jinja.compile(source)
    except TemplateSyntaxError as exc:
        return [
            LintFinding(
                name,
                part,
                _excerpt(source, exc.lineno),
                "error",
                "syntax",
                f"Thẻ Jinja sai cú pháp: {exc.message}. Sửa thẻ {{{{ … }}}} hoặc "
                "{% … %} cho đúng (mỗi {% for %}/{% if %} cần {% endfor %}/{% endif %}).",
            )
        ]
    except TemplateError as exc:
        return [LintFinding(name, part, "", "error", "syntax", f"Mẫu không dịch được: {exc}.")]
    out = [
        LintFinding(name, part, _excerpt(source, lineno), "error", kind, message)
        for kind, message, lineno in sandbox_refusals(tree, variables)
    ]
    for missing, lineno in undefined_names(tree, variables):
        known = ", ".join(sorted(variables)) if "." not in missing else ""
        hint = f" Các biến có: {known}." if known else ""
        out.append(
            LintFinding(
                name,
                part,
                _excerpt(source, lineno),
                "error",
                "undefined",
                f"Mẫu dùng “{missing}” nhưng dữ liệu không có.{hint}",
            )
        )
    return out


def _fields(variables: Mapping[str, Any]) -> set[str]:
    """Return every field name of the dataclasses reachable from ``variables``."""
    seen: set[Any] = set()
    names: set[str] = set()
    todo = list(variables.values())
    while todo:
        hint = todo.pop()
        for arg in (hint, *typing.get_args(hint)):
            if isinstance(arg, type) and dataclasses.is_dataclass(arg) and arg not in seen:
                seen.add(arg)
                hints = typing.get_type_hints(arg)
                names.update(hints)
                todo.extend(hints.values())
            elif typing.get_args(arg) and arg is not hint:
                todo.append(arg)
    return names


def _constant(node: nodes.Node) -> Any:
    return node.value if isinstance(node, nodes.Const) else None


def _range_length(node: nodes.Node) -> int | None:
    """Return the length of ``range(consts)``; None for anything else, -1 when unknown."""
    if not (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)):
        return None
    if node.node.name != "range":
        return None
    args = [_constant(a) for a in node.args]
    if not args or not all(isinstance(a, int) for a in args) or node.kwargs or node.dyn_args:
        return -1
    try:
        return len(range(*args))
    except (ValueError, TypeError):
        return -1


def sandbox_refusals(
    tree: nodes.Template, variables: Mapping[str, Any]
) -> list[tuple[Kind, str, int]]:
    """Return (kind, message, line) for what the sandbox refuses or stops when rendering:
    internals and methods of the data, over-long ranges and loops, huge products."""
    fields = _fields(variables)
    out: list[tuple[Kind, str, int]] = []
    for node in tree.find_all(nodes.Getattr):
        if node.attr.startswith("_") or (node.attr in _DATA_METHODS and node.attr not in fields):
            out.append(
                (
                    "unsafe",
                    f"Mẫu đọc “{_dotted(node)}”: “{node.attr}” không phải trường dữ liệu (nội "
                    "bộ hoặc phương thức); vanban sẽ từ chối khi tạo văn bản. Dùng trường dữ "
                    "liệu, hoặc bộ lọc như |upper, |length.",
                    node.lineno,
                )
            )
    for name in tree.find_all(nodes.Name):
        if name.name == "lipsum" and name.ctx == "load":
            out.append(("unsafe", "Mẫu dùng lipsum(): vanban không có hàm này.", name.lineno))
    out.extend(_loop_refusals(tree))
    for product in tree.find_all(nodes.Mul):
        left, right = _constant(product.left), _constant(product.right)
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str) and isinstance(times, int) and len(seq) * times > SIZE:
                out.append(
                    (
                        "limit",
                        f"Phép nhân chuỗi tạo ra {len(seq) * times:_} ký tự (giới hạn "
                        f"{SIZE:_}): vanban sẽ dừng khi tạo văn bản.".replace("_", "."),
                        product.lineno,
                    )
                )
    return sorted(set(out), key=lambda item: (item[2], item[1]))


def _loop_refusals(tree: nodes.Node, outer: int = 1) -> list[tuple[Kind, str, int]]:
    """Flag ``for`` loops over ranges: unknown length, or (with the loops around them)
    more steps than a rendering may take."""
    out: list[tuple[Kind, str, int]] = []
    for loop in _loops_below(tree):
        length = _range_length(loop.iter)
        steps = outer
        if length == -1:
            out.append(
                (
                    "limit",
                    "Vòng lặp range() với số không cố định: không biết chạy bao nhiêu lượt. "
                    "Mẫu chỉ nên lặp trên danh sách của dữ liệu ({% for x in … %}).",
                    loop.lineno,
                )
            )
        elif length is not None:
            steps = outer * max(length, 1)
            if steps > LOOP_ITERATIONS:
                out.append(
                    (
                        "limit",
                        f"Vòng lặp chạy {steps:_} lượt (kể cả các vòng ngoài; giới hạn "
                        f"{LOOP_ITERATIONS:_} lượt mỗi văn bản): vanban sẽ dừng khi tạo "
                        "văn bản.".replace("_", "."),
                        loop.lineno,
                    )
                )
        for child in [*loop.body, *loop.else_]:
            out.extend(_loop_refusals(child, steps))
    return out


def _loops_below(node: nodes.Node) -> Iterator[nodes.For]:
    """Yield the ``for`` loops under ``node`` that no other loop under it holds."""
    if isinstance(node, nodes.For):
        yield node
        return
    for child in node.iter_child_nodes():
        yield from _loops_below(child)


def undefined_names(tree: nodes.Template, variables: Mapping[str, Any]) -> list[tuple[str, int]]:
    """Return the names and attributes ``tree`` reads that ``variables`` lacks, with lines."""
    out = []
    free = meta.find_undeclared_variables(tree) - _BUILTINS
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name in free and node.name not in variables:
            out.append((node.name, node.lineno))
            free.discard(node.name)
    out.extend(_Attributes(variables).walk(tree))
    return sorted(set(out), key=lambda item: (item[1], item[0]))


class _Attributes:
    """Follows types through {% for %} loops to check ``x.attr`` against dataclass fields."""

    def __init__(self, variables: Mapping[str, Any]) -> None:
        self.scope: dict[str, Any] = dict(variables)
        self.found: list[tuple[str, int]] = []

    def walk(self, node: nodes.Node) -> list[tuple[str, int]]:
        if isinstance(node, nodes.For):
            self._for(node)
            return self.found
        if isinstance(node, nodes.Getattr):
            self.type_of(node)
        for child in node.iter_child_nodes():
            self.walk(child)
        return self.found

    def _for(self, node: nodes.For) -> None:
        self.walk(node.iter)
        saved = dict(self.scope)
        if isinstance(node.target, nodes.Name):
            self.scope[node.target.name] = _element_type(self.type_of(node.iter))
        for child in [*node.body, *node.else_]:
            self.walk(child)
        if node.test is not None:
            self.walk(node.test)
        self.scope = saved

    def type_of(self, node: nodes.Node) -> Any:
        if isinstance(node, nodes.Name):
            return self.scope.get(node.name)
        if not isinstance(node, nodes.Getattr):
            return None
        owner = _unwrap(self.type_of(node.node))
        if not (isinstance(owner, type) and dataclasses.is_dataclass(owner)):
            return None
        hints = typing.get_type_hints(owner)
        if node.attr not in hints:
            self.found.append((f"{_dotted(node.node)}.{node.attr}", node.lineno))
            return None
        return hints[node.attr]


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    return "…"


def _unwrap(hint: Any) -> Any:
    """Return ``T`` for ``T | None``; other hints unchanged."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else None
    return hint


def _element_type(hint: Any) -> Any:
    """Return ``T`` for ``tuple[T, ...]``, ``list[T]`` and the like; otherwise None."""
    hint = _unwrap(hint)
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (tuple, list, Sequence) and args:
        return args[0]
    return None


def dataclass_variables(model: type) -> dict[str, Any]:
    """Return the fields of the dataclass ``model`` with their resolved types."""
    return dict(typing.get_type_hints(model))
