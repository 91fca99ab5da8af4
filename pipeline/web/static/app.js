// The pages: the document list, a record's form with its problems, preview and downloads,
// a batch with its progress, a period's results table and report, a .docx check.
"use strict";

const main = document.getElementById("main");
const el = Form.el;
let meta = null;

const STATES = { hop_le: "Hợp lệ", co_loi: "Có lỗi", da_tao: "Đã tạo", cu: "Cần tạo lại", chua_ho_tro: "Chưa hỗ trợ" };
const KINDS = { ho_so: "Hồ sơ", bang_tinh: "Hồ sơ (sổ tính .xlsx)", dot: "Đợt theo xã", ky: "Kỳ báo cáo" };

function toast(text) {
  const t = document.getElementById("toast");
  t.textContent = text; t.classList.add("show");
  clearTimeout(toast.timer); toast.timer = setTimeout(() => t.classList.remove("show"), 4000);
}

async function call(method, url, body) {
  const init = { method, headers: {} };
  if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
  const response = await fetch(url, init);
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : null;
  return { ok: response.ok, status: response.status, data };
}

function messages(data) {
  return (data && data.problems ? data.problems : []).map((p) => [p.source, p.location, p.field].filter(Boolean).join(", ") + (p.source || p.location || p.field ? ": " : "") + p.message);
}

function page(title, ...children) {
  main.textContent = "";
  document.title = `${title} — vanban`;
  main.append(el("h1", {}, title), ...children);
  main.focus();
}

const q = encodeURIComponent;

// -- the document list ---------------------------------------------------------------

async function listPage() {
  const { data } = await call("GET", "/api/documents");
  document.getElementById("folder").textContent = `Thư mục: ${data.folder}`;
  const table = el("table", { class: "list" });
  table.append(el("tr", {}, el("th", {}, "Loại"), el("th", {}, "Tệp"), el("th", {}, "Trạng thái"), el("th", {}, "Việc")));
  for (const d of data.documents) {
    const links = el("td", {});
    if (d.kind === "ho_so" || d.kind === "bang_tinh") links.append(el("a", { href: `#/ho-so/${q(d.path)}` }, "Mở biểu mẫu"));
    if (d.kind === "dot") links.append(el("a", { href: `#/dot/${q(d.path)}` }, "Mở đợt"));
    if (d.kind === "ky") links.append(el("a", { href: `#/ky/${q(d.path)}` }, "Mở kỳ"));
    const state = el("span", { class: `state ${d.state}` }, STATES[d.state] || d.state);
    if (d.problems) state.append(` (${d.problems})`);
    table.append(el("tr", {}, el("td", {}, KINDS[d.kind] || d.kind), el("td", {}, d.path), el("td", {}, state), links));
  }
  const id = el("input", { type: "text", id: "period-id", placeholder: "2027-H2" });
  const from = el("input", { type: "text", id: "period-from", placeholder: "(kỳ liền trước)" });
  const make = el("button", { type: "button" }, "Bắt đầu kỳ mới");
  make.addEventListener("click", async () => {
    const r = await call("POST", "/api/period/new", { id: id.value.trim(), from: from.value.trim() || null });
    if (r.ok) { location.hash = `#/ky/${q(r.data.path)}`; } else toast(messages(r.data).join(" "));
  });
  page("Tài liệu trong thư mục làm việc", table,
    el("h2", {}, "Kỳ báo cáo mới"),
    el("div", { class: "picker" }, el("label", { for: "period-id" }, "Mã kỳ"), id, el("label", { for: "period-from" }, "từ kỳ"), from, make));
}

// -- a record: form, problems, preview, downloads ------------------------------------

async function recordPage(path, fresh) {
  if (!meta) meta = (await call("GET", "/api/schema")).data;
  const regs = (await call("GET", "/api/registries")).data.registries;
  let version = "", data = fresh || {}, problems = [], dirty = false;
  if (!fresh) {
    const r = await call("GET", `/api/record?path=${q(path)}`);
    if (!r.ok) { page("Không mở được hồ sơ", el("p", {}, messages(r.data).join(" "))); return; }
    ({ version, data, problems } = r.data);
  }
  Form.init(meta, regs, path);
  const node = Form.rootNode(data);
  const form = el("form", { class: "record", "aria-label": `Biểu mẫu hồ sơ ${path}` }, node.el);
  const workbook = /\.xlsx$/i.test(path);
  const list = el("ul", { class: "problems", "aria-live": "polite" });
  const status = el("p", { class: "muted", id: "status" });
  const pageNo = el("input", { type: "number", min: "1", value: "1", id: "page-no", style: "width:4em" });
  const image = el("div", { class: "preview", "aria-live": "polite" });
  const link = (kind, text) => el("a", { class: "button", href: `/api/record/download?path=${q(path)}&kind=${kind}`, download: "" }, text);
  const save = el("button", { type: "button", class: "primary", id: "save" }, "Lưu (Ctrl+S)");
  const check = el("button", { type: "button", id: "check" }, "Kiểm tra");
  const preview = el("button", { type: "button", id: "preview" }, "Xem trước");
  const formatCheck = el("button", { type: "button", id: "format-check" }, "Kiểm tra thể thức");
  const findings = el("ul", { class: "problems", id: "findings", "aria-live": "polite" });
  const side = el("aside", { class: "side", "aria-label": "Lưu, xem trước, tải về" },
    el("div", { class: "actions" }, save, check, formatCheck),
    status,
    el("h2", {}, "Vấn đề"), list,
    findings,
    el("h2", {}, "Xem trước"),
    el("div", { class: "actions" }, el("label", { for: "page-no" }, "Trang"), pageNo, preview),
    image,
    el("h2", {}, "Tải về (bản đã lưu)"),
    el("div", { class: "actions" }, link("docx", "Word .docx"), link("pdf", "PDF"), link("xlsx", "Sổ tính .xlsx"), link("noi-nhan.docx", "Nơi nhận .docx"), link("noi-nhan.csv", "Nơi nhận .csv")),
    workbook ? el("p", { class: "muted" }, "Hồ sơ này là sổ tính: lưu ở đây là ghi lại sổ tính từ biểu mẫu (giữ dữ liệu, không giữ định dạng riêng của ô).") : "");

  function show(found) {
    problems = found;
    const placed = Form.showProblems(form, found);
    list.textContent = "";
    for (const { problem, note, input } of placed) {
      const cell = (problem.location || "").includes("!") ? `${problem.location} — ` : "";  // a workbook's sheet and cell
      const a = el("a", { href: "#" }, `${cell}${problem.field ? problem.field + ": " : ""}${problem.message}`);
      a.addEventListener("click", (e) => { e.preventDefault(); (input || note).focus(); note.scrollIntoView({ block: "center" }); });
      list.append(el("li", {}, a));
    }
    if (!found.length) list.append(el("li", {}, "Không có vấn đề nào."));
  }
  async function validate() {
    const r = await call("POST", "/api/record/check", { path, data: node.get() });
    if (r.ok) show(r.data.problems); else toast(messages(r.data).join(" "));
  }
  let timer = null;
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(validate, 700); status.textContent = "Có thay đổi chưa lưu."; dirty = true; });
  window.onbeforeunload = () => (dirty ? "Có thay đổi chưa lưu." : undefined);
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(validate, 300); });
  check.addEventListener("click", validate);
  async function doSave() {
    const r = await call("PUT", "/api/record", { path, data: node.get(), version });
    if (r.ok) {
      version = r.data.version; show(r.data.problems); dirty = false;
      status.textContent = r.data.problems.length ? "Đã lưu (còn vấn đề cần sửa)." : "Đã lưu.";
      if (fresh) { fresh = null; history.replaceState(null, "", `#/ho-so/${q(path)}`); }
    } else {
      status.textContent = messages(r.data).join(" ");
      toast(status.textContent);
    }
  }
  save.addEventListener("click", doSave);
  form.addEventListener("keydown", (e) => { if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); doSave(); } });
  side.addEventListener("keydown", (e) => { if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); doSave(); } });
  preview.addEventListener("click", async () => {
    image.textContent = "Đang dựng trang (LibreOffice)…";
    const r = await call("POST", "/api/record/preview", { path, data: node.get(), page: Number(pageNo.value) || 1 });
    image.textContent = "";
    if (r.ok) {
      image.append(el("p", { class: "muted" }, `Trang ${r.data.page}${r.data.pages ? ` / ${r.data.pages}` : ""}`),
        el("img", { src: r.data.image, alt: `Trang ${r.data.page} của văn bản`, id: "preview-image" }));
    } else {
      if (r.status === 422) show(r.data.problems);
      image.append(el("p", { class: "problem" }, messages(r.data).join(" ")));
    }
  });
  // A finding's excerpt is text of the produced document: link it to the form field
  // whose text it shows (the longest field text found in the excerpt, or the reverse).
  function fieldOf(excerpt) {
    const text = (excerpt || "").replace(/…$/, "").replace(/\s+/g, " ").trim();
    if (text.length < 4) return null;
    let best = null, length = 0;
    for (const input of form.querySelectorAll("input[type=text], textarea")) {
      const value = input.value.replace(/\s+/g, " ").trim();
      if (value.length < 4) continue;
      if ((text.includes(value) || value.includes(text)) && value.length > length) { best = input; length = value.length; }
    }
    return best;
  }
  formatCheck.addEventListener("click", async () => {
    findings.textContent = "";
    const r = await call("POST", "/api/record/findings", { path, data: node.get() });
    if (!r.ok) { if (r.status === 422) show(r.data.problems); toast(messages(r.data).join(" ")); return; }
    const d = r.data.documents[0];
    const all = d.rules.flatMap((rule) => rule.findings.map((f) => ({ ...f, title: rule.title })));
    if (!all.length) { findings.append(el("li", {}, `Đạt thể thức ${d.profile.id} (${d.summary.passed} quy tắc đạt).`)); return; }
    for (const f of all) {
      const where = f.location.excerpt ? `“${f.location.excerpt}”` : f.location.where;
      const input = fieldOf(f.location.excerpt);
      const text = `${f.title} — ${where}: cần ${f.expected}, thấy ${f.found}. ${f.message}`;
      if (!input) { findings.append(el("li", {}, text)); continue; }
      const a = el("a", { href: "#" }, text);
      a.addEventListener("click", (e) => { e.preventDefault(); input.focus(); input.scrollIntoView({ block: "center" }); });
      findings.append(el("li", {}, a));
    }
  });
  page(fresh ? `Hồ sơ mới: ${path}` : `Hồ sơ: ${path}`, el("div", { class: "editor" }, form, side));
  show(problems);
}

function newPage() {
  const name = el("input", { type: "text", id: "new-name", placeholder: "ke-hoach-moi" });
  const khoi = el("select", { id: "new-khoi" }, el("option", { value: "nha_nuoc" }, "Nhà nước (NĐ 30/2020)"), el("option", { value: "dang" }, "Đảng (HD 05, HD 36)"));
  const go = el("button", { type: "button", class: "primary", id: "new-go" }, "Tạo biểu mẫu");
  go.addEventListener("click", async () => {
    const slug = name.value.trim().replace(/\.ya?ml$/, "");
    if (!/^[a-z0-9][a-z0-9-]*$/.test(slug)) { toast("Tên tệp chỉ gồm chữ thường không dấu, số và “-”."); return; }
    const path = `inputs/${slug}.yaml`;
    const r = await call("GET", `/api/record?path=${q(path)}`);
    if (r.ok) { toast("Đã có hồ sơ tên này: mở hồ sơ đó."); location.hash = `#/ho-so/${q(path)}`; return; }
    recordPage(path, { khoi: khoi.value, loai: "Kế hoạch" });
  });
  const file = el("input", { type: "file", accept: ".yaml,.yml,.xlsx", id: "upload-file" });
  const send = el("button", { type: "button", id: "upload-go" }, "Tải lên");
  send.addEventListener("click", async () => {
    if (!file.files.length) { toast("Chọn một tệp hồ sơ .yaml hoặc .xlsx."); return; }
    const body = new FormData(); body.append("file", file.files[0]);
    const response = await fetch("/api/record/upload", { method: "POST", body });
    const data = await response.json();
    if (response.ok) location.hash = `#/ho-so/${q(data.path)}`; else toast(messages(data).join(" "));
  });
  page("Hồ sơ mới", el("div", { class: "field" }, el("label", { for: "new-name" }, "Tên tệp (trong inputs/)"), name),
    el("div", { class: "field" }, el("label", { for: "new-khoi" }, "Khối"), khoi), go,
    el("h2", {}, "Hoặc tải lên một hồ sơ có sẵn"),
    el("div", { class: "field" }, el("label", { for: "upload-file" }, "Tệp hồ sơ (.yaml, hoặc sổ tính .xlsx làm bằng vanban workbook new)"), file), send);
  name.focus();
}

// -- a batch -------------------------------------------------------------------------

function batchPage(path) {
  const run = el("button", { type: "button", class: "primary", id: "run-batch" }, "Chạy đợt");
  const bar = el("progress", { class: "progress", max: "1", value: "0", id: "batch-progress", "aria-label": "Tiến độ" });
  const text = el("p", { id: "batch-status", "aria-live": "polite" });
  const summary = el("div", { id: "batch-summary" });
  run.addEventListener("click", async () => {
    run.disabled = true; summary.textContent = "";
    const r = await call("POST", "/api/batch/run", { path });
    if (!r.ok) { run.disabled = false; text.textContent = messages(r.data).join(" "); return; }
    const poll = async () => {
      const j = (await call("GET", `/api/jobs/${r.data.job}`)).data;
      bar.max = Math.max(j.total - j.skipped, 1); bar.value = j.done;
      text.textContent = `${j.done} / ${Math.max(j.total - j.skipped, 0)} xã đã xong` + (j.failed ? `, ${j.failed} lỗi` : "") + (j.skipped ? ` (${j.skipped} không đổi)` : "");
      if (j.state === "dang_chay") { setTimeout(poll, 300); return; }
      run.disabled = false;
      if (j.state === "loi") { summary.append(el("ul", {}, ...j.problems.map((m) => el("li", { class: "problem" }, m)))); return; }
      const s = j.summary;
      summary.append(el("p", {}, `Xong: ${s.rendered} văn bản tạo mới, ${s.skipped} không đổi, ${s.failures.length} xã lỗi (tổng ${s.total}).`));
      for (const f of s.failures) summary.append(el("p", { class: "problem" }, `Hàng ${f.row} (${f.name || f.code}): ${f.problems.join(" ")}`));
      summary.append(el("a", { class: "button", id: "batch-zip", href: `/api/batch/zip?path=${q(path)}`, download: "" }, "Tải tất cả (.zip)"));
    };
    poll();
  });
  page(`Đợt: ${path}`, el("div", { class: "actions" }, run), bar, text, summary,
    el("p", {}, el("a", { href: `/api/batch/zip?path=${q(path)}`, download: "" }, "Tải kết quả lần chạy trước (.zip)")));
}

// -- a period ------------------------------------------------------------------------

async function periodPage(path) {
  const r = await call("GET", `/api/period/results?path=${q(path)}`);
  if (!r.ok) { page(`Kỳ: ${path}`, el("p", {}, messages(r.data).join(" "))); return; }
  let { header, rows, version } = r.data;
  const fromWorkbook = r.data.workbook;
  const table = el("table", { class: "grid list" });
  table.append(el("tr", {}, ...header.map((h) => el("th", { scope: "col" }, h))));
  rows.forEach((row, i) => {
    const tr = el("tr", {});
    header.forEach((h, j) => {
      const input = el("input", { type: "text", "aria-label": `${h}, hàng ${i + 1}`, readonly: fromWorkbook });
      input.value = row[j] || "";
      input.addEventListener("input", () => { rows[i][j] = input.value; });
      tr.append(el("td", {}, input));
    });
    table.append(tr);
  });
  const status = el("p", { "aria-live": "polite", id: "period-status" });
  const save = el("button", { type: "button", disabled: fromWorkbook }, "Lưu bảng kết quả");
  // Or: download the results workbook, fill it in Excel, upload it (problems by sheet and cell).
  const file = el("input", { type: "file", accept: ".xlsx", id: "results-file" });
  const upload = el("button", { type: "button", id: "results-upload" }, "Tải lên sổ kết quả");
  const found = el("ul", { class: "problems", id: "results-problems", "aria-live": "polite" });
  upload.addEventListener("click", async () => {
    if (!file.files.length) { toast("Chọn sổ tính kết quả .xlsx."); return; }
    const body = new FormData(); body.append("file", file.files[0]);
    const response = await fetch(`/api/period/results/upload?path=${q(path)}`, { method: "POST", body });
    const data = await response.json();
    found.textContent = "";
    if (!response.ok) { found.append(...messages(data).map((m) => el("li", { class: "problem" }, m))); return; }
    if (!data.problems.length) { toast(`Đã nhận sổ kết quả (${data.file}): không có lỗi.`); periodPage(path); return; }
    found.append(...messages(data).map((m) => el("li", { class: "problem" }, m)));
  });
  const workbookBox = el("div", { class: "field" },
    el("p", {}, fromWorkbook ? `Kết quả của kỳ này ở sổ tính ${r.data.file}: sửa trong Excel hoặc LibreOffice rồi tải lên lại.` : "Hoặc điền trong Excel: tải sổ kết quả về, điền, rồi tải lên."),
    el("a", { class: "button", href: `/api/period/results/workbook?path=${q(path)}`, download: "", id: "results-workbook" }, "Tải sổ kết quả trống (.xlsx)"),
    el("label", { for: "results-file" }, "Sổ kết quả đã điền"), file, upload, found);
  save.addEventListener("click", async () => {
    const s = await call("PUT", "/api/period/results", { path, header, rows, version });
    if (s.ok) { version = s.data.version; status.textContent = "Đã lưu bảng."; } else status.textContent = messages(s.data).join(" ");
  });
  const build = el("button", { type: "button", class: "primary" }, "Tạo báo cáo");
  const outputs = el("ul", {});
  const image = el("div", { class: "preview", style: "max-width:700px" });
  build.addEventListener("click", async () => {
    status.textContent = "Đang tạo báo cáo…"; outputs.textContent = ""; image.textContent = "";
    const b = await call("POST", "/api/period/build", { path });
    if (!b.ok) { status.textContent = ""; outputs.append(...messages(b.data).map((m) => el("li", { class: "problem" }, m))); return; }
    status.textContent = `Đã tạo ${b.data.outputs.length} báo cáo.`;
    for (const o of b.data.outputs.slice(0, 50)) outputs.append(el("li", {}, el("a", { href: `/api/file?path=${q(o)}`, download: "" }, o)));
    const shown = await call("POST", "/api/file/preview", { path: b.data.outputs[0], page: 1 });
    if (shown.ok) image.append(el("img", { src: shown.data.image, alt: "Trang 1 của báo cáo", id: "report-image" }));
  });
  page(`Kỳ báo cáo: ${path}`, el("h2", {}, "Kết quả của các xã"), table, el("div", { class: "actions" }, save, build), status, outputs, image,
    el("h2", {}, "Sổ tính kết quả"), workbookBox);
}

// -- check a .docx -------------------------------------------------------------------

function checkPage() {
  const file = el("input", { type: "file", accept: ".docx", id: "check-file" });
  const go = el("button", { type: "button", class: "primary" }, "Kiểm tra thể thức");
  const out = el("div", { "aria-live": "polite" });
  go.addEventListener("click", async () => {
    if (!file.files.length) { toast("Chọn một tệp .docx."); return; }
    const body = new FormData(); body.append("file", file.files[0]);
    const response = await fetch("/api/check", { method: "POST", body });
    const data = await response.json();
    out.textContent = "";
    if (!response.ok) { out.append(el("p", { class: "problem" }, messages(data).join(" "))); return; }
    for (const d of data.documents) {
      if (d.readable === false) { out.append(el("p", { class: "problem" }, d.problem)); continue; }
      const findings = d.rules.flatMap((r) => r.findings.map((f) => ({ ...f, title: r.title })));
      const s = d.summary;
      out.append(el("p", {}, `Thể thức ${d.profile.id}: ${s.errors} lỗi, ${s.warnings} cảnh báo, ${s.passed} quy tắc đạt, ${s.not_evaluated} chưa đánh giá.`));
      const SEV = { error: "Lỗi", warning: "Cảnh báo", info: "Ghi chú" };
      out.append(el("ul", {}, ...findings.map((f) => el("li", { class: f.severity === "error" ? "problem" : "" },
        `${SEV[f.severity] || f.severity} — ${f.title} (${f.location.where}${f.location.excerpt ? `: “${f.location.excerpt}”` : ""}): cần ${f.expected}, thấy ${f.found}. ${f.message}`))));
    }
  });
  page("Kiểm tra thể thức một tệp Word", el("div", { class: "field" }, el("label", { for: "check-file" }, "Tệp .docx"), file), go, out);
}

// -- routing -------------------------------------------------------------------------

function route() {
  window.onbeforeunload = null;
  const hash = location.hash || "#/";
  const [, kind, rest] = hash.match(/^#\/([^/]*)\/?(.*)$/) || [];
  const arg = rest ? decodeURIComponent(rest) : "";
  if (kind === "ho-so") return recordPage(arg);
  if (kind === "moi") return newPage();
  if (kind === "dot") return batchPage(arg);
  if (kind === "ky") return periodPage(arg);
  if (kind === "kiem-tra") return checkPage();
  return listPage();
}
window.addEventListener("hashchange", route);
route();
