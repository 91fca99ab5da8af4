"""Issue 15, item 6: fuzzing the loaders and the checker's reader.

Any generated input — YAML records, batch specs, rosters (CSV, XLSX), period files,
.docx files for the checker — ends in success or in located Vietnamese problems:
never a traceback, never an English message from a library, in bounded time.

``make test`` runs a few examples of each (:data:`EXAMPLES`); ``make fuzz`` runs
many (``VANBAN_FUZZ_EXAMPLES``) and prints how many inputs were tried.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.batch import plan_batch
from pipeline.compliance import check_docx
from pipeline.errors import Problem, VanbanError
from pipeline.loading import load_document
from pipeline.loading.periods import load_period
from pipeline.loading.tabular import load_roster
from tests.batch_helpers import EXAMPLES, ROOT, SPEC, example_rows, make_batch

EXAMPLES_RUN = int(os.environ.get("VANBAN_FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES_RUN,
    deadline=10_000,  # ms per input: bounded time, with room for a slow shared machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES_RUN <= 15,  # `make test` tries the same inputs every time
    database=None,
)
#: Inputs tried by this process, by target (``make fuzz`` prints them).
TRIED: dict[str, int] = {}

#: What a clerk must never read.
_FOREIGN = re.compile(
    r"Traceback|Errno|Error:|Input should|object has no attribute|NoneType|"
    r"\bdict\b|\blist\[|\btuple\[|literal\[|function-after"
)


@pytest.fixture(scope="module", autouse=True)
def _report_tried(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print how many inputs each target was given (``make fuzz`` reports it)."""
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and TRIED:
        counts = ", ".join(f"{name}: {count}" for name, count in TRIED.items())
        reporter.write_line(f"fuzz: {sum(TRIED.values())} inputs tried ({counts})")


def _count(target: str) -> None:
    TRIED[target] = TRIED.get(target, 0) + 1


def _assert_located(problems: Any, source: str) -> None:
    problems = list(problems)
    assert problems, "an error without a problem"
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.message.strip()
        assert problem.source or problem.location, problem
        assert not _FOREIGN.search(str(problem)), str(problem)
    assert any(source in p.source for p in problems) or source == "", problems


@contextmanager
def _folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="vanban-fuzz-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _outcome(call: Callable[[], object], source: str) -> None:
    """Run ``call``: success, or a VanbanError whose problems are located and Vietnamese."""
    try:
        call()
    except VanbanError as exc:
        _assert_located(exc.problems, source)


# --------------------------------------------------------------------------- values

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    _TEXT,
    st.sampled_from(
        ["30/02/2026", "2026-13-01", "tat_ca", "{{ xa.ten }}", "{{ xa.items }}", "&a", "*a",
         "Uû ban nh©n d©n", "{% for i in range(99999) %}x{% endfor %}", "TM.", "T/M", ""]
    ),
)  # fmt: skip
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(_TEXT, st.sampled_from(["id", "muc", "doan", "noi_dung"])), inner, max_size=4
        ),
    ),
    max_leaves=20,
)


def _mutate(data: Any, draw: st.DrawFn) -> Any:
    """Return ``data`` with a few values replaced, removed or added at random."""
    if isinstance(data, dict) and data:
        key = draw(st.sampled_from(sorted(data, key=str)))
        action = draw(st.sampled_from(["replace", "remove", "add", "deeper"]))
        out = dict(data)
        if action == "replace":
            out[key] = draw(_VALUE)
        elif action == "remove":
            del out[key]
        elif action == "add":
            out[draw(_TEXT)] = draw(_VALUE)
        else:
            out[key] = _mutate(out[key], draw)
        return out
    if isinstance(data, list) and data:
        index = draw(st.integers(0, len(data) - 1))
        out_list = list(data)
        out_list[index] = _mutate(out_list[index], draw) if draw(st.booleans()) else draw(_VALUE)
        return out_list
    return draw(_VALUE)


@st.composite
def _mutated_yaml(draw: st.DrawFn, path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        data = _mutate(data, draw)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


_RECORD = ROOT / "inputs" / "ke-hoach-ubnd-xa.yaml"


# --------------------------------------------------------------------------- targets


@FUZZ
@given(
    text=st.one_of(
        _mutated_yaml(_RECORD), _TEXT, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))
    )
)
def test_fuzz_yaml_records(text: str) -> None:
    _count("hồ sơ YAML")
    with _folder() as folder:
        path = folder / "ho-so.yaml"
        path.write_text(text, encoding="utf-8")
        _outcome(lambda: load_document(path), str(path))


@FUZZ
@given(text=_mutated_yaml(EXAMPLES / SPEC))
def test_fuzz_batch_specs(text: str) -> None:
    _count("tệp đợt")
    with _folder() as folder:
        spec = make_batch(folder, example_rows()[:3])
        spec.write_text(text, encoding="utf-8")
        _outcome(lambda: plan_batch(spec), "")


_CELL = st.one_of(
    _TEXT,
    st.sampled_from(
        ["04378", "4378", "xã", "phường", "huyện", "31/02/2026", "46192", "85,5", "=A1", ""]
    ),
)


@st.composite
def _table(draw: st.DrawFn) -> list[list[str]]:
    rows = [list(r) for r in example_rows()[: draw(st.integers(1, 4))]]
    header = rows[0]
    if draw(st.booleans()):
        header[draw(st.integers(0, len(header) - 1))] = draw(_CELL)
    if draw(st.booleans()):
        header.append(draw(_CELL))
    for row in rows[1:]:
        for _ in range(draw(st.integers(0, 3))):
            row[draw(st.integers(0, len(row) - 1))] = draw(_CELL)
    rows.extend(draw(st.lists(st.lists(_CELL, max_size=20), max_size=2)))
    return rows


@FUZZ
@given(rows=_table(), delimiter=st.sampled_from([",", ";", "\t"]), bom=st.booleans())
def test_fuzz_csv_rosters(rows: list[list[str]], delimiter: str, bom: bool) -> None:
    _count("danh sách CSV")
    with _folder() as folder:
        path = folder / "xa.csv"
        text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in r) for r in rows)
        path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
        _outcome(lambda: load_roster(path, strict=False), str(path))


def _printable(value: Any) -> Any:
    """Return ``value`` without the control characters a worksheet cannot hold."""
    if isinstance(value, str):
        return "".join(c for c in value if ord(c) >= 32 or c in "\t\n\r")
    return value


_XLSX_CELL = st.one_of(
    _CELL,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(),
)


@FUZZ
@given(
    rows=_table().flatmap(
        lambda rows: st.lists(
            st.tuples(st.integers(0, len(rows) - 1), st.integers(0, 20), _XLSX_CELL), max_size=6
        ).map(lambda edits: (rows, edits))
    ),
    merge=st.booleans(),
    hidden=st.booleans(),
)
def test_fuzz_xlsx_rosters(
    rows: tuple[list[list[str]], list[Any]], merge: bool, hidden: bool
) -> None:
    _count("danh sách XLSX")
    table, edits = rows
    with _folder() as folder:
        path = folder / "xa.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in table:
            sheet.append([_printable(c) for c in row])
        for row, column, value in edits:
            sheet.cell(row=row + 1, column=column + 1, value=_printable(value))
        if merge:
            sheet.merge_cells("B1:C1")
        if hidden:
            sheet.sheet_state = "hidden"
            book.create_sheet("Khac")
            book.active = 1
        book.save(path)
        _outcome(lambda: load_roster(path, strict=False), str(path))


_PERIOD = ROOT / "inputs" / "periods"


@FUZZ
@given(
    name=st.sampled_from(["ky.yaml", "bao-cao.yaml", "ket-qua-xa.csv", "xa/05449.yaml"]),
    data=st.data(),
)
def test_fuzz_period_files(name: str, data: st.DataObject) -> None:
    _count("kỳ báo cáo")
    with _folder() as folder:
        shutil.copytree(_PERIOD, folder / "periods")
        target = folder / "periods" / "2026-H2" / name
        if name.endswith(".yaml"):
            target.write_text(data.draw(_mutated_yaml(target)), encoding="utf-8")
        else:
            table = data.draw(_table())
            target.write_text("\n".join(",".join(r) for r in table), encoding="utf-8")
        _outcome(lambda: load_period(folder / "periods" / "2026-H2"), "")


_BASE_DOCX = ROOT / "templates" / "docx" / "nha-nuoc-ke-hoach.docx"
_MEMBERS = [b"", b"<a/>", b"<?xml version='1.0'?><w:document/>", b"\xff\xfe<"]


def _docx(kind: str, at: int, extra: bytes) -> bytes:
    """A real .docx cut, with bytes spliced into its main part or that part replaced;
    or ``extra`` itself (any bytes). Built here: hypothesis shows only the recipe."""
    base = _BASE_DOCX.read_bytes()
    if kind == "bytes":
        return extra
    if kind == "cut":
        return base[: at % (len(base) + 1)]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                if kind == "xml":
                    where = at % (len(content) + 1)
                    content = content[:where] + extra + content[where:]
                else:
                    content = _MEMBERS[at % len(_MEMBERS)]
            copy.writestr(info, content)
    return out.getvalue()


@FUZZ
@given(
    kind=st.sampled_from(["bytes", "cut", "xml", "member"]),
    at=st.integers(min_value=0, max_value=10**6),
    extra=st.binary(max_size=60),
)
def test_fuzz_checker_reader(kind: str, at: int, extra: bytes) -> None:
    _count("văn bản .docx (check)")
    data = _docx(kind, at, extra)
    _outcome(lambda: check_docx(data, None, "thu.docx"), "thu.docx")
