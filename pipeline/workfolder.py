"""A working folder seen as a whole (the web page's view of it): its records, workbooks,
batches and periods with their state; record files read and saved with a version token
so that a save from a stale copy is refused; paths kept inside the folder."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.errors import InputError, Problem, UsageError, VanbanError
from pipeline.loading.drafts import LocatedProblem, check_text, yaml_data, yaml_text
from pipeline.loading.workbook_check import check_workbook, read_workbook_record
from pipeline.models import OfficialDocument
from pipeline.rendering import write_atomic

INPUTS, BUILD = "inputs", "build"

# One save at a time compares versions and replaces the file (the web server is one
# process; its requests run in threads).
_SAVE_LOCK = threading.Lock()


class StaleEdit(VanbanError):
    """A save was based on an older version of the file than the one on disk."""

    exit_code = 2


def safe_path(root: Path, relative: str) -> Path:
    """Return ``root / relative`` after checking it stays inside ``root``.

    Raises:
        UsageError: an absolute path, a ``..`` part, a drive, a back-slash or a NUL, or
            a path that leads outside ``root`` through a link.
    """
    bad = (
        not relative
        or "\\" in relative
        or "\x00" in relative
        or ":" in relative
        or PurePosixPath(relative).is_absolute()
        or ".." in PurePosixPath(relative).parts
    )
    if not bad:
        base = root.resolve()
        target = (base / relative).resolve()
        if target == base or base in target.parents:
            return target
    raise UsageError(
        [
            Problem(
                relative[:80],
                "",
                "",
                "Đường dẫn không hợp lệ: chỉ dùng đường dẫn tương đối bên trong thư mục làm "
                "việc (không có “..”, không bắt đầu bằng “/” hay tên ổ đĩa).",
            )
        ]
    )


def version_of(data: bytes | None) -> str:
    """Return the version token of a file's content (``""`` for a file not yet made)."""
    return "" if data is None else hashlib.sha256(data).hexdigest()[:20]


@dataclass(frozen=True)
class RecordFile:
    """A record file's text and version token."""

    path: Path
    text: str
    version: str


def read_record(path: Path) -> RecordFile:
    """Return the text and version of the record file ``path``.

    Raises:
        UsageError: no such file, or not UTF-8.
    """
    try:
        data = path.read_bytes()
        return RecordFile(path, data.decode("utf-8-sig"), version_of(data))
    except FileNotFoundError:
        raise UsageError([Problem(str(path), "", "", "Không có tệp hồ sơ này.")]) from None
    except UnicodeDecodeError:
        message = "Tệp không phải mã UTF-8. Lưu lại tệp với mã hóa UTF-8."
        raise UsageError([Problem(str(path), "", "", message)]) from None


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _stale(path: Path) -> StaleEdit:
    return StaleEdit(
        [
            Problem(
                str(path),
                "",
                "",
                "Tệp đã được sửa ở nơi khác sau khi bạn mở nó; chưa lưu gì. Tải lại trang "
                "để xem bản mới (chép lại phần bạn vừa sửa trước khi tải lại).",
            )
        ]
    )


def save_record(path: Path, data: dict[str, Any] | str, version: str) -> RecordFile:
    """Write the record ``data`` (form data, or YAML text) to ``path`` atomically, over
    the file's current text so that its comments stay; ``version`` is the version the
    edit started from (``""`` for a new file).

    Raises:
        StaleEdit: the file changed since (or was created meanwhile); nothing written.
    """
    with _SAVE_LOCK:
        current = _current(path)
        if version_of(current) != version:
            raise _stale(path)
        if is_workbook_record(path):  # the workbook is rewritten from the form's data
            encoded = workbook_record_bytes(data if isinstance(data, dict) else {})
            write_atomic(path, encoded)
            return RecordFile(path, "", version_of(encoded))
        previous = current.decode("utf-8-sig", errors="replace") if current else None
        text = data if isinstance(data, str) else yaml_text(data, previous)
        encoded = text.encode("utf-8")
        write_atomic(path, encoded)
        return RecordFile(path, text, version_of(encoded))


def save_upload(path: Path, data: bytes) -> str:
    """Keep an uploaded record file as ``path`` (never over an existing file); return
    its version.

    Raises:
        StaleEdit: a file of that name exists already; nothing written.
    """
    with _SAVE_LOCK:
        if path.exists():
            message = "Đã có hồ sơ tên này trong inputs/: đổi tên tệp rồi tải lên lại."
            raise StaleEdit([Problem(str(path), "", "", message)])
        write_atomic(path, data)
    return version_of(data)


# -- workbook records (.xlsx): read, checked and saved beside the YAML ones ---------------

WORKBOOK_SUFFIXES = (".xlsx",)
RECORD_SUFFIXES = (".yaml", ".yml", *WORKBOOK_SUFFIXES)


def is_workbook_record(path: Path | str) -> bool:
    """Return whether ``path`` names a workbook record (.xlsx)."""
    return str(path).lower().endswith(WORKBOOK_SUFFIXES)


def workbook_record_bytes(data: dict[str, Any]) -> bytes:
    """Return the workbook (.xlsx bytes) holding the record ``data`` (form data)."""
    from pipeline.workbook import workbook_bytes

    title = data.get("loai")
    return workbook_bytes("van-ban", data, title if isinstance(title, str) and title else "Hồ sơ")


def record_file_data(path: Path) -> tuple[Any, str]:
    """Return the data of the record file ``path`` (YAML or workbook) for a form, and
    its version.

    Raises:
        UsageError: no such file, or not UTF-8. InputError: not a readable workbook.
    """
    if is_workbook_record(path):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise UsageError([Problem(str(path), "", "", "Không có tệp hồ sơ này.")]) from None
        return read_workbook_record(path, raw).data, version_of(raw)
    record = read_record(path)
    return yaml_data(record.text), record.version


def check_file(
    path: Path, within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate the saved record file ``path`` (YAML or workbook); problems located."""
    if is_workbook_record(path):
        if not path.is_file():
            raise UsageError([Problem(str(path), "", "", "Không có tệp hồ sơ này.")])
        return check_workbook(path, None, within)
    return check_text(read_record(path).text, path, within)


def check_data(
    path: Path, data: dict[str, Any], within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate form ``data`` as the record file ``path`` would hold it once saved
    (a workbook: the cells it would be written to); nothing is written."""
    if is_workbook_record(path):
        return check_workbook(path, workbook_record_bytes(data), within)
    current = path.read_text(encoding="utf-8-sig") if path.is_file() else None
    return check_text(yaml_text(data, current), path, within)


def record_workbook(path: Path) -> bytes:
    """Return the record file ``path`` as a workbook: a workbook's own bytes, a YAML
    record exported (``vanban workbook export``).

    Raises:
        InputError: the YAML record is invalid.
    """
    if is_workbook_record(path):
        return path.read_bytes()
    from pipeline.workbook import export_bytes

    return export_bytes(path, path.parent)


def check_upload(
    filename: str, data: bytes, source: Path, within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate an uploaded record file (.yaml/.yml or .xlsx) read as the file
    ``source``: the one place that dispatches on the kind of record file.

    Raises:
        InputError: not a record file we read (wrong kind, not UTF-8).
    """
    if is_workbook_record(filename):
        return check_workbook(source, data, within)
    return check_text(record_text_from_upload(filename, data), source, within)


@dataclass
class Entry:
    """One thing of the working folder and its state."""

    kind: str  # "ho_so" | "bang_tinh" | "dot" | "ky"
    path: str  # relative to the working folder, with "/"
    state: str  # "hop_le" | "co_loi" | "da_tao" | "cu" | "chua_ho_tro"
    problems: int = 0
    outputs: list[str] = field(default_factory=list)


def _manifest_inputs(build_dir: Path) -> dict[str, str]:
    try:
        manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
        return {Path(d["input"]["path"]).name: d["input"]["sha256"] for d in manifest["documents"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _record_entry(root: Path, path: Path, built: dict[str, str]) -> Entry:
    rel = path.relative_to(root).as_posix()
    data = path.read_bytes()
    kind = "bang_tinh" if is_workbook_record(path) else "ho_so"
    if kind == "bang_tinh":
        _, problems = check_workbook(path, data)
    else:
        _, problems = check_text(data.decode("utf-8-sig", errors="replace"), path)
    if problems:
        return Entry(kind, rel, "co_loi", len(problems))
    output = root / BUILD / f"{path.stem}.docx"
    if not output.is_file():
        return Entry(kind, rel, "hop_le")
    outputs = [output.relative_to(root).as_posix()]
    current = built.get(path.name) == hashlib.sha256(data).hexdigest()
    return Entry(kind, rel, "da_tao" if current else "cu", 0, outputs)


def _is_record_workbook(path: Path) -> bool:
    """Return whether the workbook ``path`` holds a document record (not a roster, a
    registry or a period's results)."""
    from pipeline.loading.kinds import kind_of

    return kind_of(path) == "record"  # an unreadable workbook is a record (with problems)


def list_folder(root: Path, batch_specs: list[Path]) -> list[Entry]:
    """Return the records, workbooks, batches and periods of the working folder ``root``
    (its ``inputs/``) with their state: valid, with problems, built, or out of date."""
    inputs = root / INPUTS
    if not inputs.is_dir():
        return []
    built = _manifest_inputs(root / BUILD)
    entries = [
        _record_entry(root, p, built)
        for p in sorted(inputs.glob("*.yaml"))
        if not p.name.startswith(".")
    ]
    entries += [
        _record_entry(root, p, built)
        for p in sorted(inputs.glob("*.xlsx"))
        if not p.name.startswith(("~", ".")) and _is_record_workbook(p)
    ]
    for spec in batch_specs:
        out = root / BUILD / spec.name.removesuffix(".batch.yaml")
        state = "da_tao" if (out / "manifest.json").is_file() else "hop_le"
        entries.append(Entry("dot", spec.relative_to(root).as_posix(), state))
    periods = inputs / "periods"
    if periods.is_dir():
        for folder in sorted(p for p in periods.iterdir() if (p / "ky.yaml").is_file()):
            report = root / BUILD / "periods" / folder.name
            state = "da_tao" if report.is_dir() else "hop_le"
            entries.append(Entry("ky", folder.relative_to(root).as_posix(), state))
    return entries


def zip_folder(folder: Path) -> bytes:
    """Return a .zip of the files under ``folder`` (names relative to it; dot-files and
    temporary files left out), in a stable order."""
    if not folder.is_dir():
        raise UsageError([Problem(str(folder), "", "", "Chưa có thư mục kết quả này.")])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                archive.write(path, rel.as_posix())
    return out.getvalue()


def record_text_from_upload(filename: str, data: bytes) -> str:
    """Return the YAML text of an uploaded YAML record (.yaml/.yml; a workbook goes
    through :func:`check_upload`).

    Raises:
        InputError: not a record file we read (wrong kind, not UTF-8).
    """
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix in {".yaml", ".yml"}:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            message = "Tệp không phải mã UTF-8. Lưu lại tệp với mã hóa UTF-8."
            raise InputError([Problem(filename, "", "", message)]) from None
    raise InputError([Problem(filename, "", "", "Chỉ nhận tệp hồ sơ .yaml, .yml (hoặc .xlsx).")])


@dataclass(frozen=True)
class RegistryInfo:
    """A recipient registry of the folder: where, and its ids with their names."""

    path: str  # relative to the working folder
    recipients: list[tuple[str, str]]  # (id, name in Nơi nhận)
    groups: list[tuple[str, str]]


def list_registries(root: Path) -> list[RegistryInfo]:
    """Return the recipient registries under ``root/inputs`` (YAML files whose
    ``noi_nhan`` is a list); unreadable ones are left out."""
    from pipeline.loading.registry import load_registry

    found = []
    for path in sorted((root / INPUTS).rglob("*.yaml")):
        try:
            head = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if "noi_nhan:" not in head or "\nkhoi:" in f"\n{head}" or path.name.endswith(".batch.yaml"):
            continue
        try:
            registry, _ = load_registry(path)
        except VanbanError:
            continue
        if not registry.noi_nhan and not registry.nhom:
            continue
        found.append(
            RegistryInfo(
                path.relative_to(root).as_posix(),
                [(r.id, r.ten) for r in registry.noi_nhan],
                [(g.id, g.ten) for g in registry.nhom],
            )
        )
    return found


@dataclass(frozen=True)
class TableFile:
    """A CSV table (a period's results): header, rows and version token."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    version: str


def read_table(path: Path) -> TableFile:
    """Return the CSV file ``path`` as a header and rows of text cells.

    Raises:
        UsageError: no such file, or not UTF-8.
    """
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise UsageError([Problem(str(path), "", "", "Không có tệp bảng này.")]) from None
    except UnicodeDecodeError:
        message = "Tệp không phải mã UTF-8. Lưu lại tệp CSV với mã hóa UTF-8."
        raise UsageError([Problem(str(path), "", "", message)]) from None
    rows = list(csv.reader(io.StringIO(text)))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    return TableFile(path, header, body, version_of(data))


def save_table(path: Path, header: list[str], rows: list[list[str]], version: str) -> TableFile:
    """Write a CSV table atomically (UTF-8 with BOM, as Excel reads it); ``version`` is
    the version the edit started from.

    Raises:
        StaleEdit: the file changed since; nothing written.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(row[: len(header)] + [""] * (len(header) - len(row)) for row in rows)
    encoded = ("\ufeff" + out.getvalue()).encode("utf-8")
    with _SAVE_LOCK:
        if version_of(_current(path)) != version:
            raise _stale(path)
        write_atomic(path, encoded)
    return TableFile(path, header, rows, version_of(encoded))


# -- a period's results: a CSV edited in the page, or a workbook uploaded ------------------

RESULTS_CSV, RESULTS_WORKBOOK, PERIOD_REPORT = "ket-qua-xa.csv", "ket-qua-xa.xlsx", "bao-cao.yaml"


def period_results_path(folder: Path) -> Path:
    """Return the results file the period ``folder``'s report names (``ket_qua_xa``;
    default ``ket-qua-xa.csv``), kept inside the period folder."""
    report = folder / PERIOD_REPORT
    data = yaml_data(report.read_text(encoding="utf-8-sig")) if report.is_file() else None
    name = data.get("ket_qua_xa") if isinstance(data, dict) else None
    return safe_path(folder, name) if isinstance(name, str) and name else folder / RESULTS_CSV


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_results(folder: Path) -> TableFile:
    """Return the period ``folder``'s results table as text cells (from its CSV, or from
    the first sheet of its workbook).

    Raises:
        UsageError: no such file, or a CSV not in UTF-8.
    """
    path = period_results_path(folder)
    if not is_workbook_record(path):
        return read_table(path)
    import openpyxl

    try:
        data = path.read_bytes()
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileNotFoundError:
        raise UsageError([Problem(str(path), "", "", "Không có tệp bảng này.")]) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        message = "Không đọc được sổ tính: lưu lại dạng Excel .xlsx rồi tải lên lại."
        raise UsageError([Problem(str(path), "", "", message)]) from None
    try:
        rows = [
            [_cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        book.close()
    rows = [row for row in rows if any(row)]  # a sheet often ends with blank rows
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    return TableFile(path, header, body, version_of(data))


def use_results_workbook(folder: Path, data: bytes) -> Path:
    """Keep the uploaded results workbook ``data`` as the period ``folder``'s
    ``ket-qua-xa.xlsx`` and make its report read it (``ket_qua_xa``, written over the
    report's text so that its comments stay). Both writes are atomic.

    Raises:
        InputError: ``data`` is not an .xlsx file.
    """
    if not data.startswith(b"PK"):
        message = "Tệp tải lên không phải sổ tính Excel .xlsx."
        raise InputError([Problem(RESULTS_WORKBOOK, "", "", message)])
    target = folder / RESULTS_WORKBOOK
    report = folder / PERIOD_REPORT
    with _SAVE_LOCK:
        write_atomic(target, data)
        text = report.read_text(encoding="utf-8-sig") if report.is_file() else ""
        line = f"ket_qua_xa: {RESULTS_WORKBOOK}"
        changed, found = re.subn(r"(?m)^ket_qua_xa:.*$", line, text, count=1)
        if not found:
            changed = f"{line}\n{text}"
        if changed != text:
            write_atomic(report, changed.encode("utf-8"))
    return target
