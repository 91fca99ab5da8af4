"""The web application: the page, and the HTTP API it uses (docs/web.md).

Every action is a ``pipeline.api`` call; this module only reads requests, keeps paths
inside the working folder and turns results and problems into JSON.
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline import api
from pipeline.errors import (
    InputError,
    Problem,
    UsageError,
)
from pipeline.profiles import PROFILE_IDS
from pipeline.web.jobs import Jobs
from pipeline.web.responses import (
    ROOTS,
    Handler,
    Located,
    Unsupported,
    attachment,
    image_json,
    json_body,
    jsonable,
    problem_json,
    wrap,
)
from pipeline.web.schema import form_schema
from pipeline.web.security import (
    LOOPBACK,
    MAX_UPLOAD,
    Guard,
    bounded_body,
    is_unsafe_path,
    problem_response,
)

STATIC = Path(__file__).with_name("static")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_RECORDS = (".yaml", ".xlsx")  # record files the page opens: YAML, or a workbook
_CACHE = ".vanban-web"


class WebApp:
    """The routes over one working folder."""

    def __init__(self, root: Path, max_upload: int = MAX_UPLOAD) -> None:
        self.root = root.resolve()
        ROOTS.add(str(self.root))
        self.max_upload = max_upload
        self.jobs = Jobs()
        self.preview_lock = threading.Lock()  # one LibreOffice conversion at a time

    # -- paths -------------------------------------------------------------------------

    def path(self, relative: object, *, under: str = "", suffixes: tuple[str, ...] = ()) -> Path:
        """Return a path of the working folder from a request parameter (refused when it
        leaves the folder, is outside ``under`` or has another suffix)."""
        text = relative if isinstance(relative, str) else ""
        if is_unsafe_path(text):  # also when it is written %-encoded
            text = "/"
        path = api.safe_path(self.root, text)
        rel = path.relative_to(self.root)
        if under and (not rel.parts or rel.parts[0] != under):
            raise UsageError([Problem(text, "", "", f"Chỉ dùng tệp trong thư mục {under}/.")])
        if suffixes and not path.name.endswith(suffixes):
            kinds = ", ".join(suffixes)
            raise UsageError([Problem(text, "", "", f"Chỉ dùng tệp {kinds}.")])
        return path

    def rel(self, path: Path) -> str:
        """Return ``path`` relative to the working folder, with "/"."""
        return path.relative_to(self.root).as_posix()

    @property
    def cache(self) -> Path:
        """Return the folder of previews and PDFs, named by content."""
        return self.root / _CACHE

    # -- documents and records ---------------------------------------------------------

    async def documents(self, request: Request) -> Response:
        """GET /api/documents: the folder's records, workbooks, batches and periods."""
        specs = api.batch_specs(self.root / "inputs") if (self.root / "inputs").is_dir() else []
        entries = await run_in_threadpool(api.list_folder, self.root, specs)
        return JSONResponse({"folder": str(self.root), "documents": [asdict(e) for e in entries]})

    async def schema(self, request: Request) -> Response:
        """GET /api/schema: what the record form is generated from."""
        return JSONResponse(form_schema())

    async def registries(self, request: Request) -> Response:
        """GET /api/registries: the recipient registries to pick Nơi nhận from."""
        found = await run_in_threadpool(api.list_registries, self.root)
        return JSONResponse({"registries": [asdict(r) for r in found]})

    async def record(self, request: Request) -> Response:
        """GET /api/record?path=…: a record's data, version and problems."""
        path = self.path(request.query_params.get("path"), under="inputs", suffixes=_RECORDS)
        data, version = await run_in_threadpool(api.record_file_data, path)
        _, located = await run_in_threadpool(api.check_file, path, self.root)
        return JSONResponse(
            {
                "path": self.rel(path),
                "version": version,
                "data": jsonable(data),
                "problems": [problem_json(p.problem, p.path) for p in located],
            }
        )

    async def _record_body(self, request: Request) -> tuple[Path, dict[str, Any], dict[str, Any]]:
        body = await json_body(request, self.max_upload)
        path = self.path(body.get("path"), under="inputs", suffixes=_RECORDS)
        data = body.get("data")
        if not isinstance(data, dict):
            raise UsageError([Problem(self.rel(path), "", "", "Thiếu dữ liệu hồ sơ.")])
        return path, data, body

    def _problems_of(self, path: Path, data: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
        doc, located = api.check_data(path, data, self.root)
        return doc, [problem_json(p.problem, p.path) for p in located]

    async def check_record(self, request: Request) -> Response:
        """POST /api/record/check {path, data}: the problems of form data (nothing saved)."""
        path, data, _ = await self._record_body(request)
        _, problems = await run_in_threadpool(self._problems_of, path, data)
        return JSONResponse({"problems": problems})

    async def save_record(self, request: Request) -> Response:
        """PUT /api/record {path, data, version}: save (409 if the file changed since)."""
        path, data, body = await self._record_body(request)
        version = body.get("version")
        saved = await run_in_threadpool(
            api.save_record, path, data, version if isinstance(version, str) else ""
        )
        _, located = await run_in_threadpool(api.check_file, path, self.root)
        problems = [problem_json(p.problem, p.path) for p in located]
        return JSONResponse(
            {"path": self.rel(path), "version": saved.version, "problems": problems}
        )

    def _render_data(self, path: Path, data: dict[str, Any] | None) -> bytes:
        """Return the checked .docx of form ``data`` (None: of the saved file)."""
        if data is None:
            doc, located = api.check_file(path, self.root)
            problems = [problem_json(p.problem, p.path) for p in located]
        else:
            doc, problems = self._problems_of(path, data)
        if doc is None:
            raise Located(problems)
        return api.render_record(doc, path)

    async def preview(self, request: Request) -> Response:
        """POST /api/record/preview {path, data, page}: a page image of the form's record."""
        path, data, body = await self._record_body(request)
        page = body.get("page", 1)
        page = page if isinstance(page, int) and page >= 1 else 1

        def work() -> dict[str, Any]:
            docx = self._render_data(path, data)
            with self.preview_lock:
                result = api.cached_preview(docx, self.cache, page)
            return image_json(result)

        return JSONResponse(await run_in_threadpool(work))

    async def findings(self, request: Request) -> Response:
        """POST /api/record/findings {path, data}: the format check of the rendered form."""
        path, data, _ = await self._record_body(request)

        def work() -> dict[str, Any]:
            doc, problems = self._problems_of(path, data)
            if doc is None:
                raise Located(problems)
            return api.record_findings(doc, path)

        return JSONResponse(await run_in_threadpool(work))

    async def file_preview(self, request: Request) -> Response:
        """POST /api/file/preview {path: build/….docx, page}: a page image of an output."""
        body = await json_body(request, self.max_upload)
        path = self.path(body.get("path"), under="build", suffixes=(".docx",))
        page = body.get("page", 1)
        page = page if isinstance(page, int) and page >= 1 else 1

        def work() -> dict[str, Any]:
            with self.preview_lock:
                result = api.cached_file_preview(path, self.cache, page)
            return image_json(result)

        return JSONResponse(await run_in_threadpool(work))

    async def download(self, request: Request) -> Response:
        """GET /api/record/download?path=…&kind=docx|pdf|xlsx|noi-nhan.docx|noi-nhan.csv."""
        path = self.path(request.query_params.get("path"), under="inputs", suffixes=_RECORDS)
        kind = request.query_params.get("kind", "docx")
        stem = path.stem

        def work() -> Response:
            if kind == "xlsx":  # the record as a workbook (a YAML one exported)
                if not path.is_file():
                    raise UsageError([Problem(self.rel(path), "", "", "Chưa lưu hồ sơ này.")])
                return attachment(api.record_workbook(path), f"{stem}.xlsx", XLSX)
            if kind in {"noi-nhan.docx", "noi-nhan.csv"}:
                doc, located = api.check_file(path, self.root)
                if doc is None:
                    raise Located([problem_json(p.problem, p.path) for p in located])
                docx, csv = api.render_list_bytes(doc)
                data, media = (docx, DOCX) if kind.endswith("docx") else (csv, "text/csv")
                return attachment(data, f"{stem}.{kind}", media)
            docx = self._render_data(path, None)
            if kind == "pdf":
                with self.preview_lock:
                    pdf = api.cached_pdf(docx, self.cache)
                return attachment(pdf.read_bytes(), f"{stem}.pdf", "application/pdf")
            if kind != "docx":
                raise UsageError([Problem(kind[:20], "", "", "Không có loại tệp tải về này.")])
            return attachment(docx, f"{stem}.docx", DOCX)

        return await run_in_threadpool(work)

    async def cache_file(self, request: Request) -> Response:
        """GET /api/cache/NAME.png: a preview image."""
        name = request.path_params["name"]
        if not (name.endswith(".png") and name.replace("-", "").removesuffix(".png").isalnum()):
            return problem_response(404, "Không có ảnh này.")
        target = self.cache / name
        if not target.is_file():
            return problem_response(404, "Không có ảnh này.")
        return FileResponse(target, media_type="image/png")

    # -- the HTTP API of uploads -------------------------------------------------------

    async def _upload(self, request: Request, suffixes: tuple[str, ...]) -> tuple[str, bytes]:
        await bounded_body(request, self.max_upload)
        form = await request.form()
        try:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                message = "Thiếu tệp (trường “file” của biểu mẫu)."
                raise UsageError([Problem("", "", "", message)])
            name = PurePosixPath(upload.filename.replace("\\", "/")).name
            if not name.lower().endswith(suffixes):
                raise Unsupported(name, suffixes)
            return name, await upload.read()
        finally:
            await form.close()

    async def api_render(self, request: Request) -> Response:
        """POST /api/render (multipart ``file``: .yaml/.xlsx) → .docx, or 422 problems."""
        name, data = await self._upload(request, (".yaml", ".yml", ".xlsx"))
        source = self.root / "inputs" / name  # its registry is looked up beside it

        def work() -> Response:
            doc = api.record_from_upload(name, data, source, self.root)
            docx = api.render_record(doc, source)
            stem = name.rsplit(".", 1)[0]
            return attachment(docx, f"{stem}.docx", DOCX)

        return await run_in_threadpool(work)

    async def api_check(self, request: Request) -> Response:
        """POST /api/check (multipart ``file``: a .docx) → the check's findings (JSON)."""
        name, data = await self._upload(request, (".docx",))
        if not data.startswith(b"PK"):
            raise Unsupported(name, (".docx",))
        profile = request.query_params.get("profile") or None
        if profile is not None and profile not in PROFILE_IDS:
            known = ", ".join(PROFILE_IDS)
            raise UsageError([Problem("profile", "", "", f"Không có thể thức này: {known}.")])
        return JSONResponse(await run_in_threadpool(api.check_bytes, data, name, profile))

    async def upload_record(self, request: Request) -> Response:
        """POST /api/record/upload (multipart ``file``: a record .yaml/.xlsx): kept as
        ``inputs/<its name>`` (.yml as .yaml; never over an existing record of that
        name, YAML or workbook); its problems are returned, located."""
        name, data = await self._upload(request, (".yaml", ".yml", ".xlsx"))
        stem, suffix = name.rsplit(".", 1)
        workbook = suffix.lower() == "xlsx"
        path = self.path(f"inputs/{stem}.{'xlsx' if workbook else 'yaml'}")
        if workbook:
            if not data.startswith(b"PK"):
                raise Unsupported(name, (".xlsx",))
        else:
            try:
                data.decode("utf-8-sig")
            except UnicodeDecodeError:
                message = "Tệp không phải mã UTF-8. Lưu lại tệp với mã hóa UTF-8."
                raise InputError([Problem(name, "", "", message)]) from None
        for other in (".yaml", ".xlsx"):  # one record per name: one output X.docx
            if self.path(f"inputs/{stem}{other}").exists():
                message = "Đã có hồ sơ tên này trong inputs/: đổi tên tệp rồi tải lên lại."
                raise api.StaleEdit([Problem(f"inputs/{stem}{other}", "", "", message)])
        version = await run_in_threadpool(api.save_upload, path, data)
        _, located = await run_in_threadpool(api.check_file, path, self.root)
        problems = [problem_json(p.problem, p.path) for p in located]
        answer = {"path": self.rel(path), "version": version, "problems": problems}
        return JSONResponse(answer)

    # -- batches -----------------------------------------------------------------------

    async def batch_run(self, request: Request) -> Response:
        """POST /api/batch/run {path}: start the batch; returns its job id."""
        body = await json_body(request, self.max_upload)
        spec = self.path(body.get("path"), under="inputs", suffixes=(".batch.yaml",))
        job_id = self.jobs.start(spec, self.rel(spec), self.root / "build")
        return JSONResponse({"job": job_id})

    async def job(self, request: Request) -> Response:
        """GET /api/jobs/ID: a batch run's progress and summary."""
        job = self.jobs.get(request.path_params["job"])
        if job is None:
            return problem_response(404, "Không có lượt chạy này.")
        return JSONResponse(job.to_json())

    async def batch_zip(self, request: Request) -> Response:
        """GET /api/batch/zip?path=SPEC: a .zip of the batch's output folder."""
        spec = self.path(
            request.query_params.get("path"), under="inputs", suffixes=(".batch.yaml",)
        )
        prepared = await run_in_threadpool(api.prepare_batch, spec, None, lists=False)
        name = prepared.plan.name
        folder = self.path(f"build/{name}")
        data = await run_in_threadpool(api.zip_folder, folder)
        return attachment(data, f"{name}.zip", "application/zip")

    async def file(self, request: Request) -> Response:
        """GET /api/file?path=build/…: download a file the tool made."""
        path = self.path(request.query_params.get("path"), under="build")
        if not path.is_file():
            return problem_response(404, "Chưa có tệp này.")
        media = DOCX if path.suffix == ".docx" else "application/octet-stream"
        return FileResponse(path, media_type=media, filename=path.name)

    # -- periods -----------------------------------------------------------------------

    async def period_new(self, request: Request) -> Response:
        """POST /api/period/new {id, from}: start a period from the previous one."""
        body = await json_body(request, self.max_upload)
        period_id, previous = body.get("id"), body.get("from") or None
        periods = self.path("inputs/periods")
        if not isinstance(period_id, str) or not period_id or "/" in period_id:
            raise UsageError([Problem("", "", "Mã kỳ", "Ghi mã kỳ, ví dụ 2027-H1.")])
        self.path(f"inputs/periods/{period_id}")
        if previous is not None:
            self.path(f"inputs/periods/{previous}")
        made = await run_in_threadpool(
            api.create_period, periods, period_id, previous if isinstance(previous, str) else None
        )
        return JSONResponse({"path": self.rel(made.folder)})

    async def period_table(self, request: Request) -> Response:
        """GET /api/period/results?path=PERIOD: the communes' results table."""
        folder = self.path(request.query_params.get("path"), under="inputs")
        table = await run_in_threadpool(api.read_results, folder)
        answer = {"header": table.header, "rows": table.rows, "version": table.version}
        workbook = api.is_workbook_record(table.path)
        return JSONResponse({**answer, "file": self.rel(table.path), "workbook": workbook})

    async def period_save(self, request: Request) -> Response:
        """PUT /api/period/results {path, header, rows, version}: save the table."""
        body = await json_body(request, self.max_upload)
        folder = self.path(body.get("path"), under="inputs")
        header, rows = body.get("header"), body.get("rows")
        if not isinstance(header, list) or not isinstance(rows, list):
            raise UsageError([Problem("", "", "", "Thiếu bảng kết quả.")])
        target = await run_in_threadpool(api.period_results_path, folder)
        if api.is_workbook_record(target):
            message = (
                "Kết quả của kỳ này ở sổ tính: sửa trong Excel hoặc LibreOffice rồi tải "
                "lên lại (trang không ghi vào sổ tính)."
            )
            raise UsageError([Problem(self.rel(target), "", "", message)])
        table = await run_in_threadpool(
            api.save_table,
            target,
            [str(h) for h in header],
            [[str(c) for c in row] for row in rows if isinstance(row, list)],
            str(body.get("version", "")),
        )
        return JSONResponse({"version": table.version})

    async def period_workbook(self, request: Request) -> Response:
        """GET /api/period/results/workbook?path=PERIOD: a results workbook to fill."""
        folder = self.path(request.query_params.get("path"), under="inputs")
        data = await run_in_threadpool(api.results_workbook, folder)
        return attachment(data, f"ket-qua-xa-{folder.name}.xlsx", XLSX)

    async def period_upload(self, request: Request) -> Response:
        """POST /api/period/results/upload?path=PERIOD (multipart ``file``: the filled
        results workbook): kept as the period's ket-qua-xa.xlsx, which its report then
        reads; the period's problems (by sheet and cell) are returned."""
        folder = self.path(request.query_params.get("path"), under="inputs")
        if not (folder / "ky.yaml").is_file():
            raise UsageError([Problem(self.rel(folder), "", "", "Không có kỳ báo cáo này.")])
        _, data = await self._upload(request, (".xlsx",))
        target = await run_in_threadpool(api.use_results_workbook, folder, data)
        try:
            await run_in_threadpool(api.validate_period, folder)
            problems: list[dict[str, Any]] = []
        except InputError as exc:
            problems = [problem_json(p) for p in exc.problems]
        return JSONResponse({"file": self.rel(target), "problems": problems})

    async def period_build(self, request: Request) -> Response:
        """POST /api/period/build {path}: validate and write the period's reports."""
        body = await json_body(request, self.max_upload)
        folder = self.path(body.get("path"), under="inputs")
        done = await run_in_threadpool(api.build_period, folder, self.root / "build")
        return JSONResponse({"outputs": [self.rel(d.output) for d in done]})


async def _index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


def create_app(
    root: Path,
    *,
    password: str | None = None,
    host: str = "127.0.0.1",
    max_upload: int = MAX_UPLOAD,
) -> Starlette:
    """Return the web application over the working folder ``root``.

    ``password`` guards every request (HTTP Basic, any user name, or a Bearer token);
    on a loopback ``host`` the Host header must name the loopback address.
    """
    web = WebApp(root, max_upload)
    get, post, put = ["GET"], ["POST"], ["PUT"]
    table: list[tuple[str, Handler, list[str]]] = [
        ("/api/documents", web.documents, get),
        ("/api/schema", web.schema, get),
        ("/api/registries", web.registries, get),
        ("/api/record", web.record, get),
        ("/api/record", web.save_record, put),
        ("/api/record/check", web.check_record, post),
        ("/api/record/upload", web.upload_record, post),
        ("/api/record/findings", web.findings, post),
        ("/api/file/preview", web.file_preview, post),
        ("/api/record/preview", web.preview, post),
        ("/api/record/download", web.download, get),
        ("/api/cache/{name}", web.cache_file, get),
        ("/api/render", web.api_render, post),
        ("/api/check", web.api_check, post),
        ("/api/batch/run", web.batch_run, post),
        ("/api/jobs/{job}", web.job, get),
        ("/api/batch/zip", web.batch_zip, get),
        ("/api/file", web.file, get),
        ("/api/period/new", web.period_new, post),
        ("/api/period/results", web.period_table, get),
        ("/api/period/results", web.period_save, put),
        ("/api/period/results/workbook", web.period_workbook, get),
        ("/api/period/results/upload", web.period_upload, post),
        ("/api/period/build", web.period_build, post),
    ]
    routes: list[Route | Mount] = [Route("/", _index, methods=get)]
    routes += [Route(path, wrap(handler), methods=methods) for path, handler, methods in table]
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    hosts = (LOOPBACK | {host}) if host in LOOPBACK else None
    middleware = [Middleware(Guard, password=password, hosts=hosts)]
    return Starlette(routes=routes, middleware=middleware)


__all__ = ["create_app"]
