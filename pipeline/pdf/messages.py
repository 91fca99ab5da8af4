"""What the PDF stage tells the user, in Vietnamese: what is wrong and what to do."""

from __future__ import annotations

from typing import Any

NO_FILE = "Không có tệp này; không tạo được PDF."

STALE_REMOVED = " Bản PDF cũ cùng tên đã được xóa để khỏi nhầm với văn bản mới."

CRASHED = (
    "LibreOffice dừng bất thường khi chuyển tệp này sang PDF; các tệp còn lại vẫn được "
    "chuyển (LibreOffice được khởi động lại). Mở tệp trong Word, lưu lại rồi chạy lại."
)

INTERRUPTED = "Đã dừng (Ctrl-C) trước khi tệp này được chuyển sang PDF; chạy lại để tạo tiếp."


def not_docx(detail: str) -> str:
    """The file is not a Word .docx at all."""
    return (
        f"Không phải tệp Word .docx hợp lệ ({detail}); không tạo được PDF. "
        "Tạo lại tệp bằng vanban render/build, hoặc mở trong Word và lưu lại dạng .docx."
    )


def failed(detail: str) -> str:
    """LibreOffice failed for a reason it did not explain."""
    return f"LibreOffice không chuyển được tệp này sang PDF ({detail})."


def worker_failure(answer: dict[str, Any]) -> str:
    """Return the message for a failure the UNO helper reported."""
    detail = str(answer.get("detail", ""))
    if answer.get("reason") == "load":
        return (
            f"LibreOffice không mở được tệp này như một văn bản Word ({detail}); không tạo "
            "được PDF. Tệp có thể bị hỏng: mở trong Word, lưu lại rồi chạy lại."
        )
    return failed(detail)


def timed_out(seconds: float) -> str:
    """One document took longer than the per-document limit."""
    return (
        f"LibreOffice không chuyển xong tệp này trong {seconds:g} giây nên đã bị dừng; "
        "các tệp còn lại vẫn được chuyển. Tệp có thể quá lớn hoặc bị hỏng."
    )


def start_failed(detail: str, log_tail: str) -> str:
    """LibreOffice could not be started at all (``log_tail``: the end of its output)."""
    said = f" LibreOffice báo: “{log_tail}”." if log_tail else ""
    return (
        f"Không khởi động được LibreOffice ({detail}).{said} Thử chạy "
        "“soffice --headless --version” để kiểm tra bản cài đặt."
    )


PAGES_UNCERTAIN = (
    "không xác định chắc chắn được các trang của văn bản này trong bản dàn trang chung, "
    "nên văn bản được chuyển sang PDF riêng"
)

NOT_JOINED = (
    "văn bản không ghép được với các văn bản khác của đợt (tệp hỏng hoặc khác mẫu), "
    "nên được chuyển sang PDF riêng"
)


def layout_failed(detail: str) -> str:
    """A combined layout failed: its plans are converted one by one."""
    said = f" ({detail})" if detail else ""
    return (
        f"bản dàn trang chung chứa văn bản này không chuyển được{said}, nên văn bản được "
        "chuyển sang PDF riêng"
    )


def combined_missing(count: int) -> str:
    """The combined PDF could not be made."""
    if count:
        return (
            f"Không tạo được bản PDF gộp vì {count} văn bản chưa có PDF; sửa các văn bản "
            "đó rồi chạy lại."
        )
    return "Không tạo được bản PDF gộp."
