// profile-sweep's report.html: draws the embedded results as an SVG scatter, with tooltips,
// filters by axis value and a switch between measurements. No libraries, no network.
"use strict";
const data = JSON.parse(document.getElementById("data").textContent);
const SVG = "http://www.w3.org/2000/svg";
const PALETTE = data.palette;
const W = 1200, H = 640, M = { left: 90, right: 20, top: 20, bottom: 55 };
const state = { measurement: 0, x: "size", hidden: new Set() };
const colorAxis = data.axes.length ? data.axes[0] : null;

function el(tag, attrs, parent) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function html(tag, text, parent) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function color(point) {
  if (!colorAxis) return PALETTE[0];
  const i = colorAxis.values.indexOf(point.settings[colorAxis.key]);
  return PALETTE[Math.max(i, 0) % PALETTE.length];
}

function bytes(n) {
  if (n >= 1e6) return (n / 1e6).toFixed(2) + " MB";
  if (n >= 1e3) return (n / 1e3).toFixed(0) + " KB";
  return n + " B";
}

function thousands(n) {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function value(m, v) {
  return m.counted ? thousands(v) : v.toPrecision(4) + " " + m.unit;
}

function visible(p) {
  return Object.entries(p.settings).every(([k, v]) => !state.hidden.has(k + "=" + v));
}

function scales(m, points) {
  const xs = points.map(p => state.x === "size" ? p.size : p.rebuild);
  const ys = points.map(p => p.high);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const yMax = Math.max(...ys) * 1.1 || 1;
  const log = state.x === "size";
  const lo = log ? Math.log(x0 / 1.1) : 0, hi = log ? Math.log(x1 * 1.1) : (x1 * 1.1 || 1);
  const sx = v => M.left + ((log ? Math.log(v) : v) - lo) / (hi - lo) * (W - M.left - M.right);
  const sy = v => H - M.bottom - v / yMax * (H - M.top - M.bottom);
  return { sx, sy, lo, hi, log, yMax };
}

function axes(svg, m, s) {
  const g = el("g", { class: "axis" }, svg);
  for (let i = 0; i <= 5; i++) {
    const v = s.yMax * i / 5, y = s.sy(v);
    el("line", { x1: M.left, x2: W - M.right, y1: y, y2: y }, el("g", { class: "grid" }, svg));
    el("text", { x: M.left - 8, y: y + 4, "text-anchor": "end" }, g).textContent = value(m, v);
  }
  for (let i = 0; i <= 6; i++) {
    const t = s.lo + (s.hi - s.lo) * i / 6, v = s.log ? Math.exp(t) : t, x = s.sx(v);
    el("line", { x1: x, x2: x, y1: M.top, y2: H - M.bottom }, el("g", { class: "grid" }, svg));
    el("text", { x, y: H - M.bottom + 18, "text-anchor": "middle" }, g).textContent =
      s.log ? bytes(v) : v.toFixed(1) + " s";
  }
  const xTitle = state.x === "size" ? "binary size (log scale)" : "rebuild after an edit (s)";
  el("text", { class: "title", x: (W + M.left) / 2, y: H - 12, "text-anchor": "middle" }, svg).textContent = xTitle;
  el("text", { class: "title", x: 16, y: H / 2, transform: `rotate(-90 16 ${H / 2})`, "text-anchor": "middle" }, svg)
    .textContent = `${m.name} (${m.counted ? "instructions" : "mean, " + m.unit})`;
}

function draw() {
  const m = data.measurements[state.measurement];
  const chart = document.getElementById("chart");
  chart.textContent = "";
  hideTooltip();
  const points = m.points.filter(p => visible(p) && (state.x === "size" || p.rebuild != null));
  const svg = el("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}` }, chart);
  if (!points.length) {
    el("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, svg).textContent = "No point matches the filters.";
    return;
  }
  const s = scales(m, points);
  axes(svg, m, s);
  const at = p => [s.sx(state.x === "size" ? p.size : p.rebuild), s.sy(p.mean)];
  const onFrontier = p => state.x === "size" ? p.frontier : p.three_way;
  if (state.x === "size") {
    const line = points.filter(p => p.frontier).sort((a, b) => a.size - b.size).map(p => at(p).join(","));
    el("polyline", { class: "frontier-line", points: line.join(" ") }, svg);
  }
  for (const p of points) {
    const [x] = at(p);
    el("line", { class: "whisker", x1: x, x2: x, y1: s.sy(p.low), y2: s.sy(p.high), stroke: color(p) }, svg);
  }
  // Frontier points last, so a point off the frontier never covers one on it.
  const frontierLast = [...points].sort((a, b) => onFrontier(a) - onFrontier(b));
  for (const p of frontierLast) {
    const [x, y] = at(p);
    const dot = el("circle", { class: "point", cx: x, cy: y, r: 5, fill: color(p), tabindex: 0, "data-id": p.id }, svg);
    if (onFrontier(p)) dot.classList.add("frontier");
    dot.addEventListener("mouseenter", () => showTooltip(m, p, dot));
    dot.addEventListener("focus", () => showTooltip(m, p, dot));
    dot.addEventListener("mouseleave", hideTooltip);
    dot.addEventListener("blur", hideTooltip);
    if (onFrontier(p)) el("circle", { class: "ring", cx: x, cy: y, r: 9 }, svg);
    else if (state.x === "size" && p.tied) el("circle", { class: "tied", cx: x, cy: y, r: 8 }, svg);
  }
}

function showTooltip(m, p, dot) {
  const tip = document.getElementById("tooltip");
  tip.textContent = "";
  html("div", p.id, tip).className = "id";
  if (p.step) html("div", p.step, tip);
  html("div", Object.entries(p.settings).map(([k, v]) => `${k} = ${v}`).join(", "), tip);
  if (p.built_with) html("div", "built with " + p.built_with, tip);
  html("div", `size: ${thousands(p.size)} B`, tip);
  const runtime = m.counted ? `${value(m, p.mean)} instructions (exact)` :
    `${value(m, p.mean)} [${value(m, p.low)} .. ${value(m, p.high)}] (95% CI)`;
  html("div", `${m.name}: ${runtime}`, tip);
  const secs = v => v == null ? "not timed" : v.toFixed(1) + " s";
  html("div", `clean build: ${secs(p.build)}; rebuild after an edit: ${secs(p.rebuild)}`, tip);
  if (p.noise) html("div", "noisy: " + p.noise, tip);
  const where = p.frontier ? "on the Pareto frontier" : p.tied ? "tied with the frontier within the intervals" : "off the frontier";
  html("div", where + (p.three_way ? "; on the three-way frontier (size, runtime, rebuild)" : ""), tip);
  html("pre", p.snippet, tip);
  html("code", p.apply, tip);
  const box = dot.getBoundingClientRect();
  tip.style.left = (window.scrollX + box.right + 12) + "px";
  tip.style.top = (window.scrollY + box.top - 10) + "px";
  tip.hidden = false;
  dot.classList.add("active");
}

function hideTooltip() {
  document.getElementById("tooltip").hidden = true;
  document.querySelectorAll(".point.active").forEach(d => d.classList.remove("active"));
}

function controls() {
  const box = document.getElementById("controls");
  const pick = html("fieldset", undefined, box);
  html("legend", "measurement", pick);
  const select = html("select", undefined, pick);
  select.id = "measurement";
  data.measurements.forEach((m, i) => { const o = html("option", m.name, select); o.value = i; });
  select.addEventListener("change", () => { state.measurement = +select.value; draw(); });
  if (data.measurements.some(m => m.points.some(p => p.rebuild != null))) {
    const xs = html("select", undefined, pick);
    xs.id = "x-axis";
    for (const [v, t] of [["size", "against size"], ["rebuild", "against rebuild time"]]) {
      const o = html("option", t, xs); o.value = v;
    }
    xs.addEventListener("change", () => { state.x = xs.value; draw(); });
  }
  for (const axis of data.axes) {
    const set = html("fieldset", undefined, box);
    html("legend", axis.key + (axis === colorAxis ? " (colour)" : ""), set);
    axis.values.forEach((v, i) => {
      const label = html("label", undefined, set);
      const check = html("input", undefined, label);
      check.type = "checkbox"; check.checked = true; check.dataset.filter = axis.key + "=" + v;
      check.addEventListener("change", () => {
        check.checked ? state.hidden.delete(check.dataset.filter) : state.hidden.add(check.dataset.filter);
        draw();
      });
      if (axis === colorAxis) {
        const swatch = html("i", undefined, label);
        swatch.style.cssText = `display:inline-block;width:.8em;height:.8em;border-radius:50%;margin:0 .3em;background:${PALETTE[i % PALETTE.length]}`;
      }
      label.appendChild(document.createTextNode(v));
    });
  }
}

document.getElementById("crate").textContent = data.crate_line +
  (data.budget != null ? `; rebuild budget ${data.budget} s` : "");
if (data.measurements.length) { controls(); draw(); }
else document.getElementById("chart").textContent = "No runtime was measured: see report.md for sizes.";
