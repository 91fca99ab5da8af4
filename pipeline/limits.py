"""The bounds vanban keeps for any input: file sizes, zip members, YAML nodes, Jinja work.

Every limit is far above what a real programme, roster or template needs (the example
roster is 3 kB, a record 10 kB, a template 40 kB) and far below what would exhaust a
clerk's computer. ``docs/guarantees.md`` lists them for users; a test pins that list
to these values.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from pathlib import Path

from pipeline.errors import InputError, Problem

MB = 1024 * 1024

#: A YAML file (record, batch spec, registry, period file).
YAML_BYTES = 4 * MB
#: Nodes (values, keys, list items) one YAML file may build, aliases counted each time.
YAML_NODES = 200_000
#: A CSV roster or results table.
CSV_BYTES = 32 * MB
#: An .xlsx workbook, as stored (compressed).
XLSX_BYTES = 32 * MB
#: A Word template (.docx), as stored.
TEMPLATE_BYTES = 32 * MB
#: One member of a zip (.xlsx, .docx) once uncompressed; and all of them together.
ZIP_MEMBER_BYTES = 64 * MB
ZIP_TOTAL_BYTES = 256 * MB
#: Members of one zip.
ZIP_MEMBERS = 10_000

#: Jinja: iterations of all loops of one rendering (a document or one text).
LOOP_ITERATIONS = 1_000_000
#: Jinja: the longest text or list an expression may make (characters or items).
SIZE = 4_000_000
#: Jinja: seconds one rendering (a document or one text) may take.
SECONDS = 5.0


def _human(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size} byte"


def _problem(path: Path, message: str) -> InputError:
    return InputError([Problem(str(path), "", "", message)])


def check_file(path: Path, limit: int, what: str = "Tệp") -> int:
    """Return the size of the regular file at ``path`` if it is at most ``limit`` bytes.

    Devices (``/dev/zero``), FIFOs, sockets and folders are refused: reading them never
    ends or means nothing.

    Raises:
        InputError: missing, not a regular file, too large, or unreadable.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _problem(path, "Không tìm thấy tệp. Kiểm tra đường dẫn.") from None
    except OSError as exc:
        raise _problem(path, f"Không đọc được tệp: {os_message(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _problem(path, f"Đây là một thư mục, không phải tệp: ghi đường dẫn tới {what}.")
    if not stat.S_ISREG(info.st_mode):
        raise _problem(
            path,
            "Đây không phải tệp thường (thiết bị, ống dẫn hay socket của hệ thống): "
            f"vanban chỉ đọc tệp lưu trên đĩa. Ghi đường dẫn tới {what}.",
        )
    if info.st_size > limit:
        raise _problem(
            path,
            f"Tệp quá lớn ({_human(info.st_size)}; giới hạn {_human(limit)}): "
            f"{what} thật không lớn như vậy. Kiểm tra lại có chọn đúng tệp không.",
        )
    return info.st_size


def check_zip(path: Path, archive: zipfile.ZipFile, what: str) -> None:
    """Refuse a zip (.xlsx, .docx) whose members would unpack to too much.

    Raises:
        InputError: too many members, a member or the whole too large once unpacked.
    """
    infos = archive.infolist()
    if len(infos) > ZIP_MEMBERS:
        raise _problem(path, f"{what} có quá nhiều phần ({len(infos)}): tệp hỏng hoặc lạ.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > ZIP_MEMBER_BYTES or total > ZIP_TOTAL_BYTES:
            raise _problem(
                path,
                f"{what} giải nén ra quá lớn (phần “{info.filename}” {_human(info.file_size)}; "
                f"giới hạn {_human(ZIP_MEMBER_BYTES)} mỗi phần, {_human(ZIP_TOTAL_BYTES)} "
                "cả tệp): tệp hỏng hoặc không phải tệp thật. Lưu lại tệp bằng Excel/Word.",
            )


_OS_MESSAGES = {
    errno.ENOSPC: "ổ đĩa đã đầy. Giải phóng chỗ trống rồi chạy lại",
    errno.EDQUOT: "đã hết hạn mức dung lượng của bạn trên ổ đĩa. Giải phóng chỗ trống rồi chạy lại",
    errno.EROFS: "ổ đĩa chỉ cho đọc. Chọn thư mục khác (-o) hoặc cho phép ghi",
    errno.EACCES: "không có quyền ghi/đọc ở đây. Chọn thư mục khác (-o) hoặc xin cấp quyền",
    errno.EPERM: "không có quyền ghi/đọc ở đây. Chọn thư mục khác (-o) hoặc xin cấp quyền",
    errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài. Rút ngắn tên hoặc chọn thư mục ngắn hơn",
    errno.ENOENT: "không có thư mục này. Kiểm tra đường dẫn",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục. Kiểm tra đường dẫn",
    errno.EIO: "lỗi đọc/ghi của ổ đĩa. Kiểm tra ổ đĩa (USB đã rút ra?) rồi chạy lại",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
}

#: Errors that stop a whole run: every later write would fail the same way.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})


def os_message(exc: OSError) -> str:
    """Return what an OS error means for the user, in Vietnamese (no Python names)."""
    text = _OS_MESSAGES.get(exc.errno or 0)
    if text is None:
        text = f"lỗi hệ thống số {exc.errno}" if exc.errno else "lỗi hệ thống"
    return text + "."
