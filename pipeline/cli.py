"""The ``vanban`` command: parse arguments, call one api function, print, exit.

Exit codes: 0 everything done; 1 some documents failed (format check or rendering);
2 bad input or usage (nothing written).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline import __version__, api
from pipeline.errors import VanbanError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

_EPILOG = (
    "Mã thoát: 0 thành công; 1 có văn bản không đạt (lỗi thể thức hoặc lỗi khi tạo); "
    "2 dữ liệu đầu vào hoặc cách gọi lệnh sai (không ghi tệp nào)."
)


def _fail(exc: VanbanError) -> None:
    count = len(exc.problems)
    click.secho(
        f"Có {count} vấn đề cần sửa:" if count > 1 else "Có vấn đề cần sửa:",
        fg="red",
        err=True,
        bold=True,
    )
    for problem in exc.problems:
        click.echo(f"  - {problem}", err=True)
    sys.exit(exc.exit_code)


def handle_errors(func: F) -> F:
    """Turn pipeline errors into Vietnamese messages and documented exit codes."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VanbanError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            click.secho("Đã dừng theo yêu cầu; không có tệp dở dang nào được ghi.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


_TEMPLATES = click.option(
    "--templates",
    "templates_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục mẫu của bạn (tìm ở đây trước, rồi đến mẫu có sẵn).",
)


@click.group(epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vanban")
def main() -> None:
    """vanban: tạo văn bản Word đúng thể thức (Đảng: HD 36/HD 05; Nhà nước: NĐ 30/2020)
    từ hồ sơ YAML đã kiểm tra.

    \b
    Quy trình thường dùng:
      vanban validate inputs/*.yaml     kiểm tra hồ sơ, báo mọi lỗi một lượt
      vanban render hoso.yaml -o ra.docx   tạo một văn bản
      vanban build                      tạo mọi văn bản trong inputs/ vào build/
    """


@main.command(epilog=_EPILOG)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@handle_errors
def validate(inputs: tuple[Path, ...]) -> None:
    """Kiểm tra các hồ sơ INPUTS (YAML) mà không tạo văn bản.

    Mọi lỗi của mọi tệp được liệt kê cùng lúc, kèm tên tệp, dòng và trường.
    """
    loaded = api.load_all(list(inputs))
    for path, doc in loaded:
        click.echo(f"Hợp lệ: {path} ({doc.loai}, thể thức {doc.profile.id})")


@main.command(epilog=_EPILOG)
@click.argument("input", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Tệp .docx (hoặc thư mục) để ghi; mặc định cạnh tệp hồ sơ.",
)
@_TEMPLATES
@handle_errors
def render(input: Path, output: Path | None, templates_dir: Path | None) -> None:
    """Tạo văn bản .docx từ một hồ sơ INPUT.

    Hồ sơ được kiểm tra trước; nếu có lỗi thì không ghi tệp nào.
    """
    result = api.render_document(input, output, templates_dir)
    click.echo(f"Đã tạo: {result.output} (mẫu {result.template.name})")


@main.command(epilog=_EPILOG)
@click.argument("inputs_dir", default="inputs", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "build_dir",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục ghi kết quả.",
)
@_TEMPLATES
@handle_errors
def build(inputs_dir: Path, build_dir: Path, templates_dir: Path | None) -> None:
    """Tạo mọi văn bản của INPUTS_DIR (mặc định inputs/) vào build/.

    Mọi hồ sơ được kiểm tra trước khi ghi; kèm manifest.json ghi mã băm của đầu vào,
    mẫu và kết quả.
    """
    report = api.build(inputs_dir, build_dir, templates_dir)
    for item in report.documents:
        click.echo(f"Đã tạo: {item.output}")
    click.echo(f"Xong: {len(report.documents)} văn bản; manifest: {report.manifest}")
