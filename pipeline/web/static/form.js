// The record form, generated from the models' JSON schema (GET /api/schema): objects
// become fieldsets, lists get add/move/remove buttons, unions a "kind" choice, Literals a
// select, lists of lists of text a grid. No field is named here except `danh_ba` (a
// registry file: chosen from the folder's registries, its recipients picked beside it).
"use strict";

const Form = (() => {
  let S = null, L = {}, M = {}, C = {}, registries = [], recordDir = "";
  let uid = 0;

  function init(meta, regs, recordPath) {
    S = meta.schema; L = meta.labels; M = meta.models; C = meta.choices || {}; registries = regs;
    recordDir = recordPath.includes("/") ? recordPath.slice(0, recordPath.lastIndexOf("/") + 1) : "";
  }
  const refName = (s) => (s && s.$ref ? s.$ref.split("/").pop() : null);
  function deref(s) { while (s && s.$ref) s = S.$defs[refName(s)]; return s || {}; }
  const label = (key) => L[key] || String(key);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") node.textContent = v; else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  // {s: the schema without null, nullable}
  function unwrap(schema) {
    const s = deref(schema);
    const alts = s.anyOf;
    if (alts && alts.some((a) => a.type === "null")) {
      const rest = alts.filter((a) => a.type !== "null");
      return { s: rest.length === 1 ? deref(rest[0]) : { oneOf: rest }, nullable: true };
    }
    return { s, nullable: false };
  }

  function optionLabel(opt) {
    const name = refName(opt);
    if (name) return M[name] || name;
    const s = deref(opt);
    if (s.const !== undefined) return label(s.const);
    if (s.type === "string") return "Chữ";
    if (s.type === "array") return "Danh sách";
    return s.title || "Khác";
  }

  function pickOption(options, value) {
    if (value === undefined || value === null) return 0;
    let best = 0, score = -1;
    options.forEach((opt, i) => {
      const s = deref(opt);
      let sc = -1;
      if (typeof value === "string") sc = s.const === value ? 3 : s.type === "string" ? 2 : -1;
      else if (Array.isArray(value)) sc = s.type === "array" ? 2 : -1;
      else if (typeof value === "object" && s.type === "object") {
        const props = Object.keys(s.properties || {});
        const keys = Object.keys(value);
        if (keys.every((k) => props.includes(k))) {
          sc = 1 + (s.required || []).filter((k) => keys.includes(k)).length;
        }
      }
      if (sc > score) { best = i; score = sc; }
    });
    return best;
  }

  function emptyOf(schema) {
    const { s } = unwrap(schema);
    if (s.oneOf || s.anyOf) return undefined;
    if (s.type === "object") return {};
    return undefined;
  }

  function fieldWrap(path, key, required, control, text) {
    const id = control.id || (control.id = `f${++uid}`);
    const lab = el("label", { for: id }, text || label(key));
    if (required) lab.append(" ", el("span", { class: "req", "aria-hidden": "true", text: "*" }));
    const div = el("div", { class: "field", "data-path": path.join(".") }, lab, control);
    return div;
  }

  // A scalar: text, number, yes/no, a choice of values.
  function scalarNode(s, nullable, value, path, key, required, ctx) {
    let control, get;
    const choices = s.enum || (s.const !== undefined ? [s.const] : null);
    if (key === "danh_ba" && s.type === "string") {
      control = el("select", {});
      control.append(el("option", { value: "" }, "— không dùng danh bạ —"));
      for (const r of registries) {
        if (!r.path.startsWith(recordDir)) continue;
        const rel = r.path.slice(recordDir.length);
        control.append(el("option", { value: rel, selected: rel === value }, rel));
      }
      if (value && ![...control.options].some((o) => o.value === value)) {
        control.append(el("option", { value, selected: true }, value));
      }
      get = () => control.value || (required ? "" : undefined);
      control.addEventListener("change", () => (ctx.hooks?.onRegistry || []).forEach((fill) => fill()));
    } else if (choices) {
      control = el("select", {});
      if (!required || nullable) control.append(el("option", { value: "" }, "—"));
      for (const c of choices) {
        control.append(el("option", { value: c, selected: c === value }, C[c] || `${c}`));
      }
      if (required && value === undefined && choices.length === 1) control.value = choices[0];
      get = () => (control.value === "" ? (required ? "" : undefined) : control.value);
    } else if (s.type === "boolean") {
      control = el("input", { type: "checkbox", checked: value === true });
      get = () => (control.checked ? true : required ? false : undefined);
    } else {
      const long = ctx.single || (typeof value === "string" && value.length > 90);
      control = long ? el("textarea", { rows: 2 }) : el("input", { type: "text" });
      if (s.type === "integer" || s.type === "number") control.setAttribute("inputmode", "decimal");
      if (s.format === "date") control.setAttribute("placeholder", "ngày/tháng/năm, ví dụ 05/02/2026");
      control.value = value === undefined || value === null ? "" : String(value);
      get = () => {
        const v = control.value.trim();
        if (v === "") return required ? "" : undefined;
        if ((s.type === "integer" || s.type === "number") && /^-?\d+$/.test(v)) return Number(v);
        return v;
      };
    }
    return { el: fieldWrap(path, key, required, control, ctx.itemLabel), get, focus: () => control.focus() };
  }

  // A list of lists of text (a table's rows): a grid.
  // A new grid's width: the longest list of text beside it (a table's header), or 2.
  function widthOf(ctx) {
    let width = 0;
    for (const node of Object.values((ctx && ctx.siblings) || {})) {
      const v = node.get();
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) width = Math.max(width, v.length);
    }
    return width || 2;
  }

  function gridNode(value, path, key, required, ctx) {
    const rows = Array.isArray(value) ? value.map((r) => (Array.isArray(r) ? r.map(String) : [])) : [];
    const box = el("fieldset", { class: "grid", "data-path": path.join(".") }, el("legend", {}, label(key)));
    const table = el("table", {});
    box.append(table);
    function draw() {
      table.textContent = "";
      rows.forEach((row, i) => {
        const tr = el("tr", { "data-path": [...path, i].join(".") });
        row.forEach((cell, j) => {
          const input = el("input", { type: "text", "aria-label": `${label(key)}: hàng ${i + 1}, cột ${j + 1}` });
          input.value = cell;
          input.addEventListener("input", () => { rows[i][j] = input.value; });
          tr.append(el("td", {}, input));
        });
        const del = el("button", { type: "button", class: "small", "aria-label": `Xóa hàng ${i + 1}` }, "Xóa hàng");
        del.addEventListener("click", () => { rows.splice(i, 1); draw(); box.dispatchEvent(new Event("input", { bubbles: true })); });
        tr.append(el("td", {}, del));
        table.append(tr);
      });
    }
    const addRow = el("button", { type: "button", class: "small" }, "Thêm hàng");
    addRow.addEventListener("click", () => {
      const width = rows.length ? rows[0].length : widthOf(ctx);
      rows.push(Array(width).fill("")); draw();
      table.querySelector("tr:last-child input")?.focus();
    });
    const addCol = el("button", { type: "button", class: "small" }, "Thêm cột");
    addCol.addEventListener("click", () => { rows.forEach((r) => r.push("")); draw(); });
    box.append(el("div", { class: "item-bar" }, addRow, addCol));
    draw();
    return {
      el: box,
      get: () => (rows.length || required ? rows.map((r) => r.map((c) => c.trim())) : undefined),
    };
  }

  // A list whose items may be lists of text (a table's rows, each possibly a richer
  // object too): a grid, as long as the value holds plain rows only; rows with spans or
  // a kind are edited item by item, so that nothing of them is lost.
  function isGrid(s) {
    if (s.type !== "array") return false;
    const inner = deref(s.items);
    const options = inner.anyOf || inner.oneOf || [inner];
    return options.some((o) => { const d = deref(o); return d.type === "array" && deref(d.items).type === "string"; });
  }

  function plainRows(value) {
    const plain = (c) => typeof c === "string" || typeof c === "number";
    return value === undefined || value === null || (Array.isArray(value) && value.every((r) => Array.isArray(r) && r.every(plain)));
  }

  function arrayNode(s, value, path, key, required, ctx) {
    if (isGrid(s) && plainRows(value)) return gridNode(value, path, key, required, ctx);
    const box = el("fieldset", { "data-path": path.join(".") }, el("legend", {}, label(key)));
    if (required) box.querySelector("legend").append(" ", el("span", { class: "req", "aria-hidden": "true", text: "*" }));
    const list = el("div", {});
    box.append(list);
    let nodes = [];
    let values = Array.isArray(value) ? value.slice() : [];
    function draw() {
      list.textContent = "";
      nodes = values.map((v, i) => {
        const itemLabel = `${label(key)} — mục ${i + 1}`;
        const node = build(s.items, v, [...path, i], key, true, { parent: ctx, item: true, itemLabel });
        const bar = el("div", { class: "item-bar" });
        const buttons = [
          ["↑", `Chuyển mục ${i + 1} lên`, () => move(i, -1)],
          ["↓", `Chuyển mục ${i + 1} xuống`, () => move(i, 1)],
          ["Xóa", `Xóa mục ${i + 1} của ${label(key)}`, () => remove(i)],
        ];
        for (const [text, aria, fn] of buttons) {
          const b = el("button", { type: "button", class: "small", "aria-label": aria }, text);
          b.addEventListener("click", fn);
          bar.append(b);
        }
        if (node.bar) bar.prepend(node.bar);
        list.append(el("div", { class: "item" }, bar, node.el));
        return node;
      });
    }
    function collect() { values = nodes.map((n) => n.get()); }
    function changed() { box.dispatchEvent(new Event("input", { bubbles: true })); }
    function move(i, d) {
      collect();
      const j = i + d;
      if (j < 0 || j >= values.length) return;
      [values[i], values[j]] = [values[j], values[i]];
      draw(); changed();
    }
    function remove(i) { collect(); values.splice(i, 1); draw(); changed(); }
    function add(v) {
      collect(); values.push(v); draw(); changed();
      const last = list.lastElementChild;
      last && last.querySelector("input, textarea, select")?.focus();
    }
    const addButton = el("button", { type: "button", class: "small" }, `Thêm ${label(key).toLowerCase()}`);
    addButton.addEventListener("click", () => add(emptyOf(s.items)));
    const tools = el("div", { class: "item-bar" }, addButton);
    // A registry's recipients go into lists whose items may be a reference (a union of
    // kinds), not into plain lists of text of the same block (lines under the archive).
    const items = s.items || {};
    if (ctx.registryOf && (items.oneOf || items.anyOf)) tools.append(registryPicker(ctx, add));
    box.append(tools);
    draw();
    return {
      el: box,
      get: () => {
        collect();
        const out = values.filter((v) => v !== undefined);
        return out.length || required ? out : undefined;
      },
    };
  }

  function registryPicker(ctx, add) {
    const select = el("select", { "aria-label": "Chọn nơi nhận trong danh bạ" });
    const button = el("button", { type: "button", class: "small" }, "Thêm từ danh bạ");
    const box = el("span", { class: "picker" }, select, button);
    function fill() {
      select.textContent = "";
      const reg = ctx.registryOf();
      box.hidden = !reg;
      if (!reg) return;
      for (const [id, name] of reg.recipients) select.append(el("option", { value: `id:${id}` }, `${name} (${id})`));
      for (const [id, name] of reg.groups) select.append(el("option", { value: `nhom:${id}` }, `Nhóm: ${name} (${id})`));
    }
    (ctx.hooks.onRegistry = ctx.hooks.onRegistry || []).push(fill);
    button.addEventListener("click", () => {
      const [kind, id] = select.value.split(/:(.*)/s);
      if (id) add(kind === "nhom" ? { nhom: id } : id);
    });
    fill();
    return box;
  }

  function unionNode(options, value, path, key, required, ctx) {
    const select = el("select", { class: "kind", "aria-label": `Loại ${label(key).toLowerCase()}` });
    options.forEach((opt, i) => select.append(el("option", { value: i }, optionLabel(opt))));
    let index = pickOption(options, value);
    select.value = String(index);
    const holder = el("div", { "data-path": path.join(".") });
    let inner;
    function draw(v) {
      holder.textContent = "";
      inner = build(options[index], v, path, key, required, { ...ctx, item: false, union: true });
      holder.append(inner.el);
    }
    select.addEventListener("change", () => { index = Number(select.value); draw(undefined); inner.focus && inner.focus(); });
    draw(value);
    const bar = el("span", {}, select);
    if (ctx.item) return { el: holder, bar, get: () => inner.get() };
    return { el: el("div", {}, bar, holder), get: () => inner.get() };
  }

  function objectNode(s, value, path, key, required, ctx) {
    const v = value && typeof value === "object" && !Array.isArray(value) ? value : {};
    const props = Object.entries(s.properties || {});
    const req = new Set(s.required || []);
    const box = path.length === 0 ? el("div", { "data-path": "" }) : el("fieldset", { "data-path": path.join(".") });
    if (path.length && !ctx.union) box.append(el("legend", {}, label(key)));
    const extra = el("details", {}, el("summary", {}, "Trường không bắt buộc"));
    const nodes = {};
    const own = { parent: ctx, hooks: {}, siblings: nodes };
    if ("danh_ba" in (s.properties || {})) {
      own.registryOf = () => {
        const chosen = nodes.danh_ba && nodes.danh_ba.get();
        return registries.find((r) => r.path === recordDir + chosen);
      };
    }
    const single = props.length === 1;
    for (const [position, [k, ps]] of props.entries()) {
      const isReq = req.has(k);
      const node = build(ps, v[k], [...path, k], k, isReq, { ...own, single });
      nodes[k] = node;
      const hasValue = v[k] !== undefined && v[k] !== null && !(Array.isArray(v[k]) && !v[k].length);
      // Small objects show every field; larger ones show their first three fields (the
      // models declare the main ones first) and keep unused optional others folded.
      const shown = isReq || hasValue || props.length <= 5 || path.length === 0 || position < 3;
      (shown ? box : extra).append(node.el);
    }
    if (extra.children.length > 1) box.append(extra);
    return {
      el: box,
      focus: () => box.querySelector("input, textarea, select")?.focus(),
      get: () => {
        const out = {};
        for (const [k, node] of Object.entries(nodes)) {
          const val = node.get();
          if (val !== undefined) out[k] = val;
        }
        return Object.keys(out).length || required ? out : undefined;
      },
    };
  }

  function build(schema, value, path, key, required, ctx) {
    const { s, nullable } = unwrap(schema);
    const options = s.oneOf || s.anyOf;
    if (options) return unionNode(options, value, path, key, required && !nullable, ctx);
    if (s.type === "object") return objectNode(s, value, path, key, required && !nullable, ctx);
    if (s.type === "array") return arrayNode(s, value, path, key, required && !nullable, ctx);
    return scalarNode(s, nullable, value, path, key, required && !nullable, ctx);
  }

  function rootNode(value) { return build(S, value, [], "", true, {}); }

  // Put each problem next to the field it concerns (its path, or the closest parent).
  function showProblems(container, problems) {
    container.querySelectorAll(".problem").forEach((p) => p.remove());
    container.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
    const placed = [];
    for (const p of problems) {
      let path = (p.path || []).map(String);
      let target = null;
      while (true) {
        target = container.querySelector(`[data-path="${CSS.escape(path.join("."))}"]`);
        if (target || !path.length) break;
        path = path.slice(0, -1);
      }
      target = target || container;
      const id = `p${++uid}`;
      const note = el("p", { class: "problem", id, role: "alert" }, p.message);
      const legend = target.tagName === "FIELDSET" ? target.querySelector(":scope > legend") : null;
      if (legend) legend.after(note); else target.append(note);
      const input = target.matches(".field") ? target.querySelector("input, textarea, select") : null;
      if (input) { input.setAttribute("aria-invalid", "true"); input.setAttribute("aria-describedby", id); }
      placed.push({ problem: p, note, input });
    }
    return placed;
  }

  return { init, rootNode, showProblems, el };
})();
