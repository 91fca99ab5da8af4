"""The ``vanban`` command: parse arguments, call one api function, print, exit.

Exit codes: 0 everything done; 1 some documents failed (format check or rendering);
2 bad input or usage (nothing written), including a program the command needs
(LibreOffice for --pdf and preview, pdftoppm for preview) not being installed.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pipeline import __version__, api
from pipeline.compliance import CheckReport, render_text, reports_json
from pipeline.compliance.catalogue import help_text
from pipeline.console import (
    BatchProgress,
    StepProgress,
    echo_batch,
    echo_batches,
    echo_build_documents,
    echo_build_summary,
    run_interruptible,
)
from pipeline.errors import VanbanError
from pipeline.pdf import DEFAULT_DPI, PdfReport
from pipeline.profiles import PROFILE_IDS
from pipeline.vnclick import VnCommand, VnGroup

if TYPE_CHECKING:
    from pipeline.reporting import PreparedPeriod

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

_EPILOG = (
    "Mã thoát: 0 thành công; 1 có văn bản không đạt (lỗi thể thức hoặc lỗi khi tạo); "
    "2 dữ liệu đầu vào hoặc cách gọi lệnh sai, hoặc máy thiếu phần mềm cần dùng "
    "như LibreOffice (không ghi tệp nào)."
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


def _build_dir(help_text: str) -> Callable[[F], F]:
    """Return the ``-o/--output BUILD_DIR`` option (default ``build``) with its help."""
    return click.option(
        "-o",
        "--output",
        "build_dir",
        default="build",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


_PDF = click.option(
    "--pdf",
    is_flag=True,
    help="Tạo thêm bản PDF (qua LibreOffice) cạnh mỗi tệp .docx, đúng như khi in.",
)
_PDFA = click.option(
    "--pdfa",
    is_flag=True,
    help="Như --pdf, nhưng bản PDF theo chuẩn lưu trữ PDF/A-2b (phông nhúng đủ).",
)


_NO_CHECK = click.option(
    "--no-check",
    is_flag=True,
    help="Không kiểm tra thể thức văn bản tạo ra trước khi ghi (mặc định luôn kiểm tra).",
)


def _echo_pdf(report: PdfReport | None) -> bool:
    """Print a PDF export's warnings and results; return whether every PDF was made
    (the caller exits 1 otherwise, after printing the rest of its report)."""
    if report is None:
        return True
    for warning in report.warnings:
        click.secho(f"Cảnh báo: {warning}", fg="yellow", err=True)
    if len(report.results) <= 10:  # a batch's 40 lines would bury the summary
        for result in report.results:
            if result.output is not None:
                click.echo(f"Đã tạo PDF: {result.output} ({result.pages or '?'} trang)")
    click.echo(report.summary())
    for note in report.notes():
        click.echo(note)
    if report.failed:
        click.secho(f"Không tạo được PDF cho {len(report.failed)} văn bản:", fg="red", err=True)
        for result in report.failed:
            click.echo(f"  - {result.problem}", err=True)
    return not report.failed


# Former names of the Vietnamese command classes (now in pipeline.vnclick), kept for code
# written against them.
_VnCommand, _VnGroup = VnCommand, VnGroup


@click.group(cls=VnGroup, epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vanban", help="Hiện phiên bản rồi thoát.")
def main() -> None:
    """vanban: tạo văn bản Word đúng thể thức (Đảng: HD 36/HD 05; Nhà nước: NĐ 30/2020)
    từ hồ sơ đã kiểm tra (sổ tính Excel .xlsx hoặc tệp YAML).

    \b
    Quy trình thường dùng:
      vanban workbook new ke-hoach -o inputs/kh.xlsx   sổ tính trống để điền
      vanban validate inputs/kh.xlsx    kiểm tra hồ sơ, báo mọi lỗi một lượt
      vanban render hoso.yaml -o ra.docx   tạo một văn bản
      vanban build                      tạo mọi văn bản trong inputs/ vào build/
    """
    # What is loaded by now (vanban, its libraries) lives as long as the command: keep
    # the collector from walking it again and again (a full pass took ~35 ms of a batch).
    gc.freeze()
    click.get_current_context().call_on_close(gc.unfreeze)


@main.command(epilog=_EPILOG)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--chi-tiet",
    "details",
    is_flag=True,
    help="Liệt kê từng ô còn trống (mặc định: một dòng cho cả cột, cả trang chưa điền).",
)
@handle_errors
def validate(inputs: tuple[Path, ...], details: bool) -> None:
    """Kiểm tra các hồ sơ INPUTS (YAML hoặc sổ tính .xlsx) mà không tạo văn bản.

    Mọi lỗi của mọi tệp được liệt kê cùng lúc, kèm tên tệp, dòng (hoặc trang và ô của
    sổ tính) và trường. Một thư
    mục kỳ báo cáo (inputs/periods/2026-H2) được kiểm tra cả: kỳ, báo cáo, kết quả
    của các xã, chương trình và danh sách xã.
    """
    with api.problem_details(details):
        folders = [p for p in inputs if p.is_dir()]
        for folder in folders:
            _echo_period(api.validate_period(folder))
        loaded = api.load_all([p for p in inputs if not p.is_dir()])
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
@_PDF
@_PDFA
@_NO_CHECK
@handle_errors
def render(
    input: Path,
    output: Path | None,
    templates_dir: Path | None,
    pdf: bool,
    pdfa: bool,
    no_check: bool,
) -> None:
    """Tạo văn bản .docx từ một hồ sơ INPUT.

    Hồ sơ được kiểm tra trước; văn bản tạo ra được kiểm tra thể thức trước khi ghi
    (như lệnh vanban check); nếu có lỗi thì không ghi tệp nào.
    """
    result = api.render_document(
        input, output, templates_dir, pdf=pdf, pdfa=pdfa, check=not no_check
    )
    click.echo(f"Đã tạo: {result.output} (mẫu {result.template.name})")
    for line in result.warnings:
        click.echo(f"  Cảnh báo: {line}")
    if not _echo_pdf(result.pdf):
        sys.exit(EXIT_FAILED)


@main.command(epilog=_EPILOG)
@click.argument("inputs_dir", default="inputs", type=click.Path(file_okay=False, path_type=Path))
@_build_dir("Thư mục ghi kết quả.")
@_TEMPLATES
@_PDF
@_PDFA
@click.option(
    "--no-lists",
    is_flag=True,
    help="Không tạo danh sách nơi nhận (.noi-nhan.docx, .noi-nhan.csv) kèm mỗi văn bản.",
)
@_NO_CHECK
@click.option(
    "--open", "open_result", is_flag=True, help="Mở thư mục kết quả khi xong (trình quản lý tệp)."
)
@handle_errors
def build(
    inputs_dir: Path,
    build_dir: Path,
    templates_dir: Path | None,
    pdf: bool,
    pdfa: bool,
    no_lists: bool,
    no_check: bool,
    open_result: bool,
) -> None:
    """Tạo mọi văn bản của INPUTS_DIR (mặc định inputs/) vào build/.

    Mọi hồ sơ được kiểm tra trước khi ghi, mọi văn bản tạo ra được kiểm tra thể thức
    (có lỗi thì không ghi tệp nào); kèm manifest.json ghi mã băm của đầu vào,
    mẫu và kết quả. Mỗi văn bản có danh sách nơi nhận đi kèm (TÊN.noi-nhan.docx để
    in, TÊN.noi-nhan.csv cho hệ thống văn phòng điện tử hoặc in phong bì). Với --pdf
    (hoặc --pdfa: chuẩn lưu trữ PDF/A-2b), mỗi văn bản có thêm bản PDF; văn bản của
    các đợt được dàn trang chung rồi tách thành PDF của từng xã.
    """
    steps = StepProgress()
    try:
        report = run_interruptible(
            lambda: api.build(
                inputs_dir,
                build_dir,
                templates_dir,
                pdf=pdf,
                pdfa=pdfa,
                lists=not no_lists,
                check=not no_check,
                batch_progress=BatchProgress,
                steps=steps,
            )
        )
    finally:
        steps.stop()  # a bar is never left on the screen, whatever stopped the build
    echo_build_documents(report)
    pdf_ok = _echo_pdf(report.pdf)
    pages_ok = _echo_pages(report.pages)
    for batch_report in report.batches:
        echo_batch(batch_report)
    echo_build_summary(report)
    if open_result:
        click.launch(str(build_dir))
    if not pdf_ok or not pages_ok or not all(b.ok for b in report.batches):
        sys.exit(EXIT_FAILED)


def _echo_pages(reports: list[CheckReport]) -> bool:
    """Print the page checks' findings (build --pdf); return whether none is an error."""
    ok = True
    for report in reports:
        if not report.findings:
            continue
        ok = ok and report.ok
        click.echo(render_text(report))
    return ok


@main.command(epilog=_EPILOG)
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@_build_dir("Thư mục ghi kết quả; văn bản của đợt nằm trong BUILD_DIR/<tên đợt>/.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Số tiến trình tạo văn bản song song (mặc định: số lõi CPU).",
)
@click.option("--force", is_flag=True, help="Tạo lại mọi văn bản, kể cả văn bản không đổi.")
@click.option(
    "--combined/--no-combined",
    default=None,
    help="Gộp mọi văn bản vào tat-ca.docx để in một lượt, mỗi xã một phần, số trang "
    "đánh lại từ 1 (mặc định theo trường gop của tệp đợt).",
)
@click.option(
    "--no-lists",
    is_flag=True,
    help="Không tạo danh sách nơi nhận (.noi-nhan.docx, .noi-nhan.csv) kèm mỗi văn bản.",
)
@_TEMPLATES
@_NO_CHECK
@_PDF
@_PDFA
@handle_errors
def batch(
    spec: Path,
    build_dir: Path,
    jobs: int | None,
    force: bool,
    combined: bool | None,
    no_lists: bool,
    templates_dir: Path | None,
    no_check: bool,
    pdf: bool,
    pdfa: bool,
) -> None:
    """Tạo một văn bản cho mỗi xã trong danh sách của tệp đợt SPEC (*.batch.yaml).

    Tệp đợt chỉ ra hồ sơ gốc, danh sách xã (CSV hoặc XLSX) và cách điền trường của
    từng xã. Hàng sai chỉ làm hỏng văn bản của xã đó (mã thoát 1, kèm hàng, cột và
    cách sửa); các xã khác vẫn được tạo. Chạy lại chỉ tạo các xã có đầu vào hoặc mẫu
    thay đổi, hay thiếu tệp. Ctrl-C dừng an toàn: không để lại tệp dở dang. Với --pdf,
    văn bản chưa có PDF mới được dàn trang chung rồi tách thành PDF của từng xã (với
    -j N: N LibreOffice song song).
    """
    pdf = pdf or pdfa
    libreoffice = api.pdf_tools() if pdf else None  # missing: exit 2 before any write
    options = api.BatchOptions(jobs=jobs, force=force, combined=combined, check=not no_check)
    progress = BatchProgress(spec.name.removesuffix(".yaml").removesuffix(".batch"))
    report = run_interruptible(
        lambda: api.build_batch(
            spec, build_dir, templates_dir, options=options, lists=not no_lists, progress=progress
        )
    )
    pdfs = (
        run_interruptible(lambda: api.batch_pdfs([report], libreoffice, jobs=jobs, pdfa=pdfa))
        if pdf
        else None
    )
    pdf_ok = _echo_pdf(pdfs)
    echo_batches([report])  # exits 1 if a commune failed
    if not pdf_ok:
        sys.exit(EXIT_FAILED)


@main.command("noi-nhan", epilog=_EPILOG)
@click.argument("input", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục ghi kết quả; mặc định cạnh tệp hồ sơ.",
)
@_TEMPLATES
@handle_errors
def noi_nhan(input: Path, output: Path | None, templates_dir: Path | None) -> None:
    """Tạo riêng danh sách nơi nhận của hồ sơ INPUT (.docx để in và .csv).

    Danh sách lấy từ cùng danh bạ nơi nhận với khối "Nơi nhận" của văn bản, nên hai bên
    luôn khớp nhau: mỗi nhóm được liệt kê từng thành viên, kèm mục đích, hình thức gửi
    (giấy, điện tử) và số bản giấy, có tổng số bản kể cả bản lưu.
    """
    list_docx, list_csv = api.write_distribution_list(input, output, templates_dir)
    click.echo(f"Đã tạo: {list_docx}")
    click.echo(f"Đã tạo: {list_csv}")


@main.command(epilog=_EPILOG)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--page", default=1, show_default=True, help="Trang cần xem (đếm từ 1).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Tệp .png (hoặc thư mục) để ghi; mặc định TÊN-trang-N.png cạnh tệp .docx.",
)
@click.option("--dpi", default=DEFAULT_DPI, show_default=True, help="Độ phân giải của ảnh.")
@handle_errors
def preview(file: Path, page: int, output: Path | None, dpi: int) -> None:
    """Tạo ảnh PNG của một trang trong văn bản FILE (.docx) để xem nhanh.

    Trang được dàn như khi in: qua LibreOffice sang PDF, rồi pdftoppm sang ảnh. Cần
    LibreOffice (gói libreoffice-writer-nogui, python3-uno) và poppler-utils.
    """
    result = api.preview(file, page, output, dpi)
    for warning in result.warnings:
        click.secho(f"Cảnh báo: {warning}", fg="yellow", err=True)
    total = f"/{result.pages}" if result.pages else ""
    click.echo(f"Đã tạo ảnh trang {result.page}{total}: {result.output}")


@cache
def _check_help() -> str:
    """Return the help of ``vanban check``, with the profiles and every rule."""
    return f"""Kiểm tra thể thức các văn bản TỆP (.docx) theo quy định.

Đọc mọi tệp .docx, của vanban hoặc soạn tay trong Word/LibreOffice: khổ giấy, lề,
phông chữ, cỡ và kiểu chữ từng thành phần (đọc cả kiểu chữ - style - và định dạng kế
thừa), số và ký hiệu, ngày tháng, đường kẻ, dấu *, nội dung, chữ ký, nơi nhận, số
trang. Mỗi phát hiện có mã quy tắc, mức độ, vị trí (đoạn hoặc ô bảng, kèm trích đoạn),
yêu cầu và hiện trạng, căn cứ pháp lý. Mỗi quy tắc: ĐẠT, KHÔNG ĐẠT hoặc CHƯA KIỂM TRA
ĐƯỢC (không bao giờ tính là đạt). Không chỉ rõ --profile thì thể thức được đoán từ
văn bản: quốc hiệu hoặc "ĐẢNG CỘNG SẢN VIỆT NAM", dòng số, ngày ký (văn bản của Đảng
trước 27/5/2026 theo HD 36, từ ngày đó theo HD 05).

{help_text()}

\b
Mã thoát: 0 không có lỗi; 1 có lỗi thể thức; 2 có tệp không đọc được."""


class _CheckCommand(VnCommand):
    """``vanban check``: its help lists every rule of the catalogue, which is read when
    the help is shown, not at every start of ``vanban``."""

    @property
    def help(self) -> str:
        return _check_help()

    @help.setter
    def help(self, value: str | None) -> None:
        """Ignore the help click sets: :func:`_check_help` makes it."""


@main.command("check", cls=_CheckCommand, epilog=None)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--profile",
    "profile_id",
    type=click.Choice(PROFILE_IDS),
    help="Thể thức để kiểm tra; mặc định đoán từ văn bản.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="In kết quả dạng JSON (xem docs/compliance.md)."
)
@click.option("-v", "--verbose", is_flag=True, help="Liệt kê cả các quy tắc đã đạt.")
@click.option(
    "--quy-uoc",
    "conventions",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Tệp quy ước của cơ quan (quy-uoc.yaml): các cảnh báo được chấp nhận thành ghi chú.",
)
@click.option(
    "--trang",
    "pages",
    is_flag=True,
    help="Dàn trang qua LibreOffice và kiểm tra cả trang in (quốc hiệu một dòng, nơi nhận "
    "ngang chữ ký, đường kẻ, số trang).",
)
@handle_errors
def check(
    files: tuple[Path, ...],
    profile_id: str | None,
    as_json: bool,
    verbose: bool,
    conventions: Path | None,
    pages: bool,
) -> None:
    if pages:
        reports, unreadable = api.check_laid_out_files(list(files), profile_id, conventions)
    else:
        reports, unreadable = api.check_files(list(files), profile_id, conventions)
    if as_json:
        click.echo(json.dumps(reports_json(reports, unreadable), ensure_ascii=False, indent=2))
    else:
        for report in reports:
            click.echo(render_text(report, verbose))
        for name, why in unreadable:
            click.secho(f"Không kiểm tra được {name}: {why}", fg="red", err=True)
    if unreadable:
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED)


@main.group("templates", epilog=_EPILOG)
def templates_group() -> None:
    """Mẫu Word: lấy bản sao mẫu có sẵn để sửa, và kiểm tra mẫu đã sửa.

    \b
    Cách dùng:
      vanban templates export dang-ke-hoach mau/   chép mẫu có sẵn ra thư mục mau/
      (mở mau/dang-ke-hoach.docx trong Word, sửa, lưu)
      vanban templates lint mau/                   xem đã làm hỏng gì chưa
      vanban build --templates mau/                dùng mẫu của bạn
    """


@templates_group.command("export", epilog=_EPILOG)
@click.argument("name")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Ghi đè nếu tệp đã có.")
@handle_errors
def templates_export(name: str, folder: Path, force: bool) -> None:
    """Chép mẫu có sẵn NAME (ví dụ dang-ke-hoach) vào thư mục FOLDER để sửa trong Word."""
    target = api.export_template(name, folder, force)
    click.echo(f"Đã chép mẫu: {target}")
    click.echo(f"Sửa trong Word, rồi kiểm tra: vanban templates lint {folder}")


@templates_group.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_TEMPLATES
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@handle_errors
def templates_lint(paths: tuple[Path, ...], templates_dir: Path | None, as_json: bool) -> None:
    """Kiểm tra các mẫu PATHS (tệp .docx hoặc thư mục; mặc định thư mục --templates,
    hoặc các mẫu có sẵn).

    Tìm: thẻ Jinja sai cú pháp; biến mà dữ liệu không có (kể cả ở đầu trang, chân
    trang); thẻ bị Word tách thành nhiều đoạn chữ hoặc ngắt sang đoạn khác; dấu nháy bị
    Word đổi thành nháy cong. Mỗi lỗi kèm vị trí (phần, đoạn hoặc ô bảng, trích đoạn).

    \b
    Mã thoát: 0 không có lỗi (có thể có cảnh báo); 1 có lỗi; 2 sai cách gọi lệnh.
    """
    results = api.lint_templates(list(paths), templates_dir)
    if as_json:
        payload = {
            str(path): {"data": kind, "findings": [f.to_json() for f in found]}
            for path, (kind, found) in results.items()
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for path, (kind, found) in results.items():
            errors = sum(f.severity == "error" for f in found)
            status = "có lỗi" if errors else "đạt"
            click.echo(f"{path} (dữ liệu: {kind}): {status}, {len(found)} phát hiện")
            for finding in found:
                click.echo(f"  {finding}")
    failed = any(f.severity == "error" for _k, found in results.values() for f in found)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


# -- review reports of reporting periods ----------------------------------------------------


def _echo_period(prepared: PreparedPeriod) -> None:
    """Print what a validated period holds, and its warnings."""
    inputs = prepared.inputs
    for warning in inputs.warnings:
        click.secho(f"Cảnh báo: {warning}", fg="yellow", err=True)
    communes = len(prepared.documents) - 1
    extra = f", {communes} báo cáo của xã, phường" if communes else ""
    click.echo(
        f"Hợp lệ: {inputs.folder} (báo cáo {inputs.period.kind_word} {inputs.period.label}, "
        f"từ {inputs.period.start:%d/%m/%Y} đến {inputs.period.end:%d/%m/%Y}{extra})"
    )


@main.group("period", epilog=_EPILOG)
def period_group() -> None:
    """Kỳ báo cáo (sơ kết, tổng kết): tạo kỳ mới từ kỳ trước, kiểm tra, tạo báo cáo.

    \b
    Mỗi kỳ là một thư mục inputs/periods/<MÃ KỲ>/ (ví dụ 2026-H2):
      ky.yaml          kỳ báo cáo (mã, tên, ngày, kỳ trước)
      bao-cao.yaml     báo cáo: chương trình, kết quả của cơ quan, nhiệm vụ, nhận định
      ket-qua-xa.csv   kết quả của từng xã (một hàng một xã, một cột một chỉ tiêu)
    """


@period_group.command("new", epilog=_EPILOG)
@click.argument("period_id", metavar="ID")
@click.option(
    "--from", "previous", metavar="KỲ_TRƯỚC", help="Kỳ làm gốc (mặc định: kỳ liền trước theo mã)."
)
@click.option(
    "--thu-muc",
    "periods_dir",
    default="inputs/periods",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục chứa các kỳ.",
)
@handle_errors
def period_new(period_id: str, previous: str | None, periods_dir: Path) -> None:
    """Tạo kỳ ID (2026-H1, 2026-Q3, 2026, 2021-2025…) từ kỳ trước.

    Giữ nguyên chương trình, chỉ tiêu, danh sách xã, phần đầu và nơi nhận; chuyển các
    nhiệm vụ chưa hoàn thành sang kỳ mới; để trống kết quả đạt được và các mục nhận
    định. Không bao giờ ghi đè một kỳ đã có.
    """
    made = api.create_period(periods_dir, period_id, previous)
    click.echo(f"Đã tạo kỳ {period_id} từ kỳ {made.previous}: {made.folder}")
    for path in made.files:
        click.echo(f"  {path}")
    if made.carried_tasks:
        click.echo(f"Nhiệm vụ chuyển sang: {', '.join(made.carried_tasks)}.")
    click.echo("Điền kết quả đạt được rồi chạy: vanban validate " + str(made.folder))


@period_group.command("validate", epilog=_EPILOG)
@click.argument(
    "folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
@_TEMPLATES
@handle_errors
def period_validate(folders: tuple[Path, ...], templates_dir: Path | None) -> None:
    """Kiểm tra các thư mục kỳ FOLDERS mà không ghi tệp nào."""
    for folder in folders:
        _echo_period(api.validate_period(folder, templates_dir))


@period_group.command("build", epilog=_EPILOG)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_build_dir("Thư mục ghi kết quả (báo cáo vào <thư mục>/periods/<mã kỳ>/).")
@_TEMPLATES
@click.option("--no-check", is_flag=True, help="Không kiểm tra thể thức trước khi ghi.")
@handle_errors
def period_build(folder: Path, build_dir: Path, templates_dir: Path | None, no_check: bool) -> None:
    """Tạo báo cáo của kỳ FOLDER: báo cáo của cơ quan và báo cáo của từng xã."""
    done = api.build_period(folder, build_dir, templates_dir, check=not no_check)
    for item in done:  # the format check's warnings, beside the report they concern
        for line in item.warnings:
            click.echo(f"  Cảnh báo ở {item.output}: {line}")
    click.echo(f"Đã tạo: {done[0].output}")
    if len(done) > 1:
        click.echo(f"Và {len(done) - 1} báo cáo của xã, phường trong {done[1].output.parent}")


# -- workbooks: records filled in Excel or LibreOffice --------------------------------------


@main.group("workbook", epilog=_EPILOG)
def workbook_group() -> None:
    """Sổ tính Excel (.xlsx) thay cho tệp YAML: tạo sổ trống, hoặc chuyển hồ sơ sang sổ.

    \b
    Cách dùng:
      vanban workbook new ke-hoach -o ke-hoach.xlsx    sổ trống để điền
      vanban workbook export hoso.yaml -o hoso.xlsx    hồ sơ có sẵn thành sổ tính
      vanban validate ke-hoach.xlsx                    kiểm tra (lỗi ghi rõ trang, ô)
      vanban render ke-hoach.xlsx                      tạo văn bản
    """


@workbook_group.command("new", epilog=_EPILOG)
@click.argument(
    "kind",
    metavar="LOẠI",
    type=click.Choice(["ke-hoach", "chuong-trinh", "danh-ba", "danh-sach-xa", "ket-qua-xa"]),
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp .xlsx để ghi.",
)
@click.option(
    "--ky",
    "period",
    type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục kỳ báo cáo (cho ket-qua-xa), ví dụ inputs/periods/2026-H2.",
)
@handle_errors
def workbook_new(kind: str, output: Path, period: Path | None) -> None:
    """Tạo sổ tính trống loại LOẠI để điền trong Excel: ke-hoach, chuong-trinh, danh-ba
    (danh bạ nơi nhận), danh-sach-xa (danh sách xã cho một đợt), ket-qua-xa (kết quả
    của các xã trong kỳ --ky: một hàng một xã, một cột một chỉ tiêu)."""
    target = api.new_workbook(kind, output, period)
    click.echo(f"Đã tạo sổ tính: {target}")
    if period is not None and kind == "ket-qua-xa":
        click.echo(f"Điền kết quả, ghi “ket_qua_xa: {target.name}” trong bao-cao.yaml của kỳ")
        click.echo(f"rồi chạy: vanban validate {period}")
        return
    click.echo(f"Điền trong Excel hoặc LibreOffice, rồi chạy: vanban validate {target}")


@workbook_group.command("export", epilog=_EPILOG)
@click.argument("record", metavar="HỒ_SƠ", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp .xlsx để ghi.",
)
@handle_errors
def workbook_export(record: Path, output: Path) -> None:
    """Chuyển hồ sơ HỒ_SƠ (YAML) thành sổ tính .xlsx: cùng nội dung, sửa trong Excel."""
    target = api.export_workbook(record, output)
    click.echo(f"Đã tạo sổ tính: {target}")


@main.command(epilog=_EPILOG)
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ mở trang.")
@click.option("--port", default=8765, show_default=True, help="Cổng mở trang.")
@click.option(
    "--password",
    envvar="VANBAN_WEB_PASSWORD",
    help="Mật khẩu của trang (bắt buộc khi --host không phải 127.0.0.1).",
)
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt.")
@handle_errors
def serve(folder: Path, host: str, port: int, password: str | None, no_browser: bool) -> None:
    """Mở trang web trên máy này để điền, kiểm tra, xem trước và tải văn bản của thư mục
    làm việc FOLDER (mặc định: thư mục hiện tại, với inputs/ của nó)."""
    from pipeline.web import serve as serve_web

    serve_web(folder, host, port, password=password, open_browser=not no_browser)
