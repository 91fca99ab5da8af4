"""A Word template prepared once: its tagged parts patched and compiled, the rest kept.

``PreparedTemplate.load`` does docxtpl's XML clean-up ({%p %}, {%tr %}, {{r }} …) and
compiles each tagged part in the sandboxed environment once. ``render`` then only runs
the compiled templates and writes the zip, copying untouched parts as they are.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

from pipeline.errors import Problem, TemplateProblem
from pipeline.limits import TEMPLATE_BYTES, check_file, check_zip
from pipeline.rendering.environment import environment
from pipeline.rendering.limits import EXPRESSION_ERRORS, LimitExceeded, failure_message
from pipeline.rendering.parts import extra_parts
from pipeline.rendering.zipfile_raw import Member, read_members

_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG = re.compile(r"\{\{|\{%|\{#")
_PARA_START = re.compile(r"<w:p([ >])")
_XML_TAG = re.compile(r"<[^>]+>")
_UNDEFINED = re.compile(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')")


@dataclass(frozen=True)
class _Part:
    index: int
    name: str
    source: str
    template: jinja2.Template


def _patch(xml: str) -> str:
    # docxtpl's patch_xml uses no state of its instance; it is the reference clean-up
    # of Word's run splitting and of the {%p %} / {%tr %} / {{r }} tags.
    patched: str = DocxTemplate.patch_xml(_PATCHER, xml)
    # One paragraph per line, so that Jinja's line numbers point at a paragraph.
    return _PARA_START.sub(r"\n<w:p\1", patched)


_PATCHER = DocxTemplate(io.BytesIO())


def patch_part(xml: str) -> str:
    """Return a part's XML as Jinja source, cleaned up exactly as rendering does it
    (for the template lint: same line numbers, same repairs)."""
    return _patch(xml)


def compile_part(source: str) -> jinja2.nodes.Template:
    """Return the syntax tree of a patched part, compiled once in the sandboxed
    environment so that unknown filters and tests fail as they would when rendering.

    Raises:
        jinja2.TemplateError: a syntax or assertion error.
    """
    environment().from_string(source)
    return environment().parse(source)


def _excerpt(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    text = _XML_TAG.sub("", lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
    return " ".join(text.split())[:80]


class PreparedTemplate:
    """A .docx template ready to render many times."""

    def __init__(self, name: str, members: list[Member], parts: list[_Part], digest: str) -> None:
        self.name = name
        self.members = members
        self.parts = parts
        self.sha256 = digest

    @classmethod
    def load(cls, path: Path) -> PreparedTemplate:
        """Read, patch and compile the template at ``path`` (once per content: a batch
        loads it to check it, then each worker forked from that process has it).

        Raises:
            TemplateProblem: the file is not a .docx or a part has a Jinja syntax error.
        """
        check_file(path, TEMPLATE_BYTES, "mẫu Word .docx")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise _unreadable(path, exc) from None
        key = (str(path), hashlib.sha256(raw).hexdigest())
        found = _LOADED.get(key)
        if found is None:
            if len(_LOADED) >= _LOADED_KEPT:
                _LOADED.clear()
            found = _LOADED[key] = cls._prepare(key[0], raw, key[1])
        return found

    @classmethod
    def _prepare(cls, path: str, raw: bytes, digest: str) -> PreparedTemplate:
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                check_zip(Path(path), archive, "Mẫu Word")
            members = read_members(io.BytesIO(raw))
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise _unreadable(path, exc) from None
        parts = []
        for index, member in enumerate(members):
            if not _PART.match(member.name):
                continue
            try:
                xml = member.content().decode("utf-8")
            except (ValueError, zlib.error, EOFError) as exc:  # not UTF-8, damaged data
                raise _unreadable(path, exc) from None
            if not _TAG.search(xml):
                continue
            source = _patch(xml)
            try:
                template = environment().from_string(source)
            except TemplateSyntaxError as exc:
                raise TemplateProblem(
                    [
                        Problem(
                            path,
                            f"{member.name}, đoạn “{_excerpt(source, exc.lineno)}”",
                            "",
                            f"Thẻ Jinja sai cú pháp: {exc.message}. "
                            "Sửa thẻ {{ … }} hoặc {% … %} trong Word.",
                        )
                    ]
                ) from None
            parts.append(_Part(index, member.name, source, template))
        return cls(path, members, parts, digest)

    @property
    def rendered_part_names(self) -> tuple[str, ...]:
        """Return the names of the parts each document renders (those holding tags)."""
        return tuple(part.name for part in self.parts)

    def read_part(self, name: str) -> bytes | None:
        """Return the template's own (unrendered) bytes of part ``name``, or None."""
        for member in self.members:
            if member.name == name:
                return member.content()
        return None

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, bytes]:
        """Return the rendered XML of each tagged part, by part name (UTF-8).

        Raises:
            TemplateProblem: the template names data that ``context`` lacks, or reaches
                for something the sandbox forbids.
        """
        if context.get("phu_luc") and not any("phu_luc" in part.source for part in self.parts):
            raise TemplateProblem(
                [
                    Problem(
                        self.name,
                        "word/document.xml",
                        "",
                        "Hồ sơ có phụ lục (phu_luc) nhưng mẫu không có chỗ đặt phụ lục: mẫu "
                        "được lấy ra trước khi vanban có phụ lục. Lấy lại mẫu mới bằng lệnh "
                        "vanban templates export rồi sửa lại, hoặc bỏ phu_luc khỏi hồ sơ.",
                    )
                ]
            )
        rendered = {part.name: self._render_part(part, context) for part in self.parts}
        out = {name: xml.encode("utf-8") for name, xml in rendered.items()}
        main = "word/document.xml"
        if main in rendered and (context.get("trang_cuoi") or context.get("chu_thich")):
            xml, added = extra_parts(
                rendered[main], context, lambda n: out.get(n) or self.read_part(n)
            )
            out[main] = xml.encode("utf-8")
            out.update(added)
        return out

    def members_with(self, rendered: Mapping[str, bytes]) -> list[Member]:
        """Return the zip members of the document whose tagged parts are ``rendered``
        (from :meth:`render_parts`); every other part is the template's, as stored."""
        members = list(self.members)
        for part in self.parts:
            members[part.index] = Member.deflated(part.name, rendered[part.name])
        if len(rendered) > len(self.parts):  # parts a document adds (footnotes…)
            tagged = {part.name for part in self.parts}
            index = {member.name: i for i, member in enumerate(members)}
            for name, data in rendered.items():
                if name in tagged:
                    continue
                member = Member.deflated(name, data)
                if name in index:
                    members[index[name]] = member
                else:
                    members.append(member)
        return members

    def render_members(self, context: Mapping[str, Any]) -> list[Member]:
        """Return the zip members of the document rendered with ``context``.

        Raises:
            TemplateProblem: see :meth:`render_parts`.
        """
        return self.members_with(self.render_parts(context))

    def _render_part(self, part: _Part, context: Mapping[str, Any]) -> str:
        try:
            out = part.template.render(context)
        except UndefinedError as exc:
            raise TemplateProblem([self._problem(part, exc, _undefined_message(exc))]) from None
        except LimitExceeded as exc:
            message = (
                f"Mẫu vượt giới hạn khi điền: {exc}. Kiểm tra vòng lặp (for), phép nhân "
                "chuỗi và bộ lọc trong thẻ này; mẫu chỉ đặt dữ liệu vào chỗ."
            )
            raise TemplateProblem([self._problem(part, exc, message)]) from None
        except SecurityError as exc:
            raise TemplateProblem(
                [
                    self._problem(
                        part,
                        exc,
                        (
                            f"Mẫu dùng một thuộc tính không an toàn ({exc}). "
                            "vanban không cho mẫu chạy mã hay đọc nội bộ của Python: "
                            "xóa thẻ này khỏi mẫu."
                        ),
                    )
                ]
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateProblem([self._problem(part, exc, f"Lỗi khi điền mẫu: {exc}.")]) from None
        except EXPRESSION_ERRORS as exc:
            message = f"Lỗi khi điền mẫu: {failure_message(exc)}. Sửa thẻ này trong Word."
            raise TemplateProblem([self._problem(part, exc, message)]) from None
        # Undo _patch's line breaks (str.replace: a regular expression costs more here).
        return out.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")

    def _problem(self, part: _Part, exc: Exception, message: str) -> Problem:
        lineno = _template_line(exc)
        excerpt = _excerpt(part.source, lineno)
        where = f"{part.name}, đoạn “{excerpt}”" if excerpt else part.name
        return Problem(self.name, where, "", message)


#: Templates prepared in this process, by path and content (they are never changed).
_LOADED: dict[tuple[str, str], PreparedTemplate] = {}
_LOADED_KEPT = 8


def _unreadable(path: Path | str, exc: Exception) -> TemplateProblem:
    return TemplateProblem(
        [
            Problem(
                str(path),
                "",
                "",
                "Không mở được mẫu: không phải tệp Word .docx hợp lệ (tệp hỏng, hoặc đuôi "
                ".docx đặt cho tệp khác). Mở bằng Word và lưu lại dưới dạng .docx.",
            )
        ]
    )


def _template_line(exc: Exception) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _undefined_message(exc: UndefinedError) -> str:
    match = _UNDEFINED.search(str(exc))
    name = (match.group(2) or match.group(1)) if match else str(exc)
    return (
        f"Mẫu dùng biến “{name}” nhưng dữ liệu không có biến này. Sửa tên biến trong mẫu "
        "(xem danh sách biến bằng lệnh vanban templates lint), hoặc bổ sung dữ liệu."
    )
