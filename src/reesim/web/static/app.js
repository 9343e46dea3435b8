// reesim dashboard: plain JavaScript, no external libraries, works offline.
"use strict";
const token = new URLSearchParams(location.search).get("token");
const page = document.getElementById("main");
const tip = document.getElementById("tip");
const state = {yaml: "", data: null, selected: new Set(), lastRun: null};

async function api(path, options = {}) {
  const headers = Object.assign({"Content-Type": "application/json"}, token ? {"X-Reesim-Token": token} : {});
  const response = await fetch(path, Object.assign({headers}, options));
  const body = await response.json();
  if (!response.ok) throw new Error(Array.isArray(body.detail) ? body.detail.map(p => p.msg).join("; ") : String(body.detail));
  return body;
}
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function show(view, arg) {
  // Each view draws into its own container, so a slow view left behind cannot write into the next one.
  document.querySelectorAll("nav button").forEach(b => b.classList.toggle("on", b.dataset.view === view));
  const root = el("div", {"data-view": view});
  page.replaceChildren(root);
  views[view](arg, root).catch(e => root.append(el("p", {class: "error"}, "Error: " + e.message)));
  return root;
}
document.querySelectorAll("nav button").forEach(b => b.addEventListener("click", () => show(b.dataset.view)));

// --- charts: SVG lines with P10-P90 bands, hover tooltip and a month range (zoom) ---------------
function lineChart(months, series, opts = {}) {
  const W = opts.width || 760, H = opts.height || 260, L = 56, B = 28, T = 14, R = 12;
  const box = el("div");
  const from = el("input", {type: "range", min: 0, max: months.length - 2, value: 0, "aria-label": "first month"});
  const to = el("input", {type: "range", min: 1, max: months.length - 1, value: months.length - 1, "aria-label": "last month"});
  const svgNS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNS, "svg");
  svg.setAttribute("class", "chart"); svg.setAttribute("width", W); svg.setAttribute("height", H);
  function draw() {
    const a = Math.min(+from.value, +to.value - 1), b = Math.max(+to.value, a + 1);
    const idx = [...Array(b - a + 1).keys()].map(i => i + a);
    const values = series.flatMap(s => idx.flatMap(i => [s.values[i], s.hi ? s.hi[i] : s.values[i]])).filter(v => v != null);
    const top = Math.max(1e-9, ...values) * 1.08;
    const x = i => L + (i - a) / (b - a) * (W - L - R), y = v => H - B - (v / top) * (H - B - T);
    svg.replaceChildren();
    const add = (tag, attrs) => { const n = document.createElementNS(svgNS, tag); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); svg.append(n); return n; };
    add("line", {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#999"});
    for (let k = 0; k <= 4; k++) {
      const v = top * k / 4;
      add("text", {x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 10}).textContent = v >= 100 ? v.toFixed(0) : v.toPrecision(2);
    }
    const step = Math.max(1, Math.round(idx.length / 8));
    idx.filter((_, k) => k % step === 0).forEach(i => { add("text", {x: x(i), y: H - 8, "text-anchor": "middle", "font-size": 10}).textContent = months[i]; });
    for (const s of series) {
      if (s.lo && s.hi) {
        const up = idx.map(i => `${x(i)},${y(s.hi[i])}`), down = idx.slice().reverse().map(i => `${x(i)},${y(s.lo[i])}`);
        add("polygon", {points: up.concat(down).join(" "), fill: s.color, opacity: 0.18});
      }
      add("polyline", {points: idx.map(i => `${x(i)},${y(s.values[i] ?? 0)}`).join(" "), fill: "none", stroke: s.color, "stroke-width": 1.8});
    }
    series.forEach((s, k) => { add("text", {x: L + 8 + k * 150, y: T + 2, fill: s.color, "font-size": 11}).textContent = s.name; });
    const cursor = add("line", {x1: 0, y1: T, x2: 0, y2: H - B, stroke: "#555", "stroke-dasharray": "3 3", visibility: "hidden"});
    svg.onmousemove = e => {
      const r = svg.getBoundingClientRect(), px = e.clientX - r.left;
      const i = Math.min(b, Math.max(a, Math.round(a + (px - L) / (W - L - R) * (b - a))));
      cursor.setAttribute("x1", x(i)); cursor.setAttribute("x2", x(i)); cursor.setAttribute("visibility", "visible");
      tip.hidden = false; tip.style.left = (e.pageX + 12) + "px"; tip.style.top = (e.pageY + 12) + "px";
      tip.textContent = months[i] + " · " + series.map(s => `${s.name}: ${(s.values[i] ?? 0).toFixed(1)}`).join(" · ");
    };
    svg.onmouseleave = () => { tip.hidden = true; cursor.setAttribute("visibility", "hidden"); };
  }
  from.oninput = draw; to.oninput = draw; draw();
  box.append(svg, el("div", {class: "muted"}, "Zoom: from ", from, " to ", to));
  return box;
}

// --- views ---------------------------------------------------------------------------------------
const views = {
  async library(_, main) {
    main.append(el("h2", {}, "Scenarios"), el("p", {class: "muted"}, "Shipped scenarios. Open one in the editor to change it, or run it as it is."));
    for (const s of await api("/api/scenarios")) {
      main.append(el("div", {class: "card", "data-scenario": s.name},
        el("h3", {}, `${s.name}: ${s.title}`, s.kind === "yours" ? el("span", {class: "muted"}, "  (yours)") : ""),
        el("p", {}, s.description),
        el("p", {class: "muted"}, `${s.start} to ${s.horizon} · ${s.instruments} instruments`),
        el("button", {class: "act", onclick: () => show("editor", s.name)}, "Open in editor"),
        el("button", {class: "act alt", onclick: () => startRun({scenario: s.name}, 1)}, "Run")));
    }
  },
  async runs(runId, main) {
    main.append(el("h2", {}, "Runs"));
    if (runId) await showRun(runId, main);
    const list = await api("/api/runs");
    const table = el("table", {}, el("tr", {}, ...["id", "created", "scenario", "runs", ""].map(h => el("th", {}, h))));
    for (const r of list) table.append(el("tr", {}, el("td", {}, r.id), el("td", {}, String(r.created).slice(0, 19)), el("td", {}, r.scenario), el("td", {}, r.runs),
      el("td", {}, el("button", {class: "act", onclick: () => show("runs", r.id)}, "Open"))));
    main.append(el("h3", {}, "Stored runs (also in `reesim runs list`)"), table);
  },
  async compare(_, main) {
    const list = await api("/api/runs");
    main.append(el("h2", {}, "Compare runs"), el("p", {class: "muted"}, "Tick two or more runs."));
    const table = el("table", {});
    for (const r of list) {
      const box = el("input", {type: "checkbox", "data-run": r.id});
      box.checked = state.selected.has(r.id);
      box.onchange = () => box.checked ? state.selected.add(r.id) : state.selected.delete(r.id);
      table.append(el("tr", {}, el("td", {}, box), el("td", {}, r.id), el("td", {}, r.scenario), el("td", {}, String(r.created).slice(0, 19))));
    }
    const out = el("div", {id: "comparison"});
    main.append(table, el("p", {}, el("button", {class: "act", id: "compare-button", onclick: async () => {
      const ids = [...state.selected];
      const c = await api(`/api/compare?ids=${ids.join(",")}`);
      const t = el("table", {}, el("tr", {}, ...c.columns.map(h => el("th", {}, h))));
      c.rows.forEach(r => t.append(el("tr", {}, ...r.map(v => el("td", {}, v)))));
      const series = await Promise.all(ids.map(id => api(`/api/runs/${id}/series?place=EU&item=magnets`)));
      const colours = ["#3b6ea5", "#c0392b", "#2e7d32", "#8e44ad"];
      const chart = lineChart(series[0].months, series.map((s, k) => ({name: ids[k], color: colours[k % 4], values: s.unmet.p50})));
      out.replaceChildren(el("h3", {}, "EU magnet shortfall (t/month)"), chart, t);
    }}, "Compare")), out);
  },
  async data(_, main) {
    const tables = await api("/api/tables");
    const pick = el("select", {}, ...tables.map(t => el("option", {value: t}, t)));
    const out = el("div");
    async function load() {
      const d = await api(`/api/data/${pick.value}?limit=100`);
      const cols = d.rows.length ? Object.keys(d.rows[0]) : [];
      const t = el("table", {}, el("tr", {}, ...cols.map(c => el("th", {}, c))));
      d.rows.forEach(r => t.append(el("tr", {}, ...cols.map(c => el("td", {}, r[c] ?? "")))));
      out.replaceChildren(t, el("h3", {}, "Sources cited"), el("ul", {}, ...d.sources.map(s => el("li", {}, `${s.source_id}: ${s.publisher}, ${s.title} (${s.year ?? ""}) ${s.url ?? ""}`))));
    }
    pick.onchange = load;
    main.append(el("h2", {}, "Data"), el("p", {}, "Table: ", pick), out);
    await load();
  },
  async timeline(_, main) {
    const events = await api("/api/timeline");
    main.append(el("h2", {}, "Policy timeline"), el("ul", {class: "timeline"}, ...events.map(e => el("li", {}, el("b", {}, `${e.date} ${e.actor} (${e.kind}) `), e.what, el("span", {class: "muted"}, ` [${e.source_id}]`)))));
  },
};

async function startRun(body, runs) {
  const main = show("runs");
  const panel = el("div", {class: "card", id: "job"});
  main.prepend(panel);
  let job;
  try { job = await api("/api/runs", {method: "POST", body: JSON.stringify(Object.assign({runs}, body))}); }
  catch (e) { panel.replaceChildren(el("p", {class: "error"}, e.message)); return; }
  const bar = el("div", {class: "bar"}, el("div", {style: "width:0%"}));
  const cancel = el("button", {class: "act alt", onclick: () => api(`/api/jobs/${job.id}`, {method: "DELETE"})}, "Cancel");
  panel.replaceChildren(el("p", {}, `Running ${job.scenario} (${runs} run(s))…`), bar, cancel);
  while (true) {
    await new Promise(r => setTimeout(r, 500));
    job = await api(`/api/jobs/${job.id}`);
    bar.firstChild.style.width = `${100 * job.done / job.runs}%`;
    if (job.status === "done") { state.lastRun = job.run_id; show("runs", job.run_id); return; }
    if (job.status === "failed" || job.status === "cancelled") { panel.replaceChildren(el("p", {class: "error"}, `${job.status}: ${job.error}`)); return; }
  }
}

async function showRun(runId, main) {
  const run = await api(`/api/runs/${runId}`);
  const head = run.headline;
  const rows = head.rows.filter(r => r.item === "magnets");
  const fmt = (s, f) => s && s.p50 != null ? f(s.p50) : "none";
  const month = s => s && s.p50 != null ? head.months[Math.round(s.p50)] : "none";
  const table = el("table", {id: "headline"}, el("tr", {}, ...["place", "first shortfall", "peak shortfall", "unmet t", "lowest stock (months)"].map(h => el("th", {}, h))));
  rows.forEach(r => table.append(el("tr", {}, el("td", {}, r.place), el("td", {}, month(r.first_shortfall)), el("td", {}, fmt(r.peak_shortfall, v => (100 * v).toFixed(1) + "%")),
    el("td", {}, fmt(r.cumulative_unmet_t, v => v.toFixed(0))), el("td", {}, fmt(r.lowest_cover_months, v => v.toFixed(2))))));
  const place = el("select", {id: "place"}), item = el("select", {id: "item"});
  const charts = el("div", {id: "charts"});
  async function draw() {
    const s = await api(`/api/runs/${runId}/series?place=${encodeURIComponent(place.value || "USA")}&item=${item.value || "magnets"}`);
    if (!place.options.length) {
      s.places.forEach(p => place.append(el("option", {value: p}, p))); s.items.forEach(i => item.append(el("option", {value: i}, i)));
      place.value = "USA"; item.value = "magnets";
    }
    const demand = {name: "demand", color: "#333", values: s.demand.p50, lo: s.demand.p10, hi: s.demand.p90};
    const unmet = {name: "shortfall", color: "#c0392b", values: s.unmet.p50, lo: s.unmet.p10, hi: s.unmet.p90};
    const race = Object.entries(s.race).map(([stage, v]) => el("div", {}, el("h4", {}, `Outside China: ${stage}`),
      lineChart(s.months, [{name: "made", color: "#3b6ea5", values: v.made.p50, lo: v.made.p10, hi: v.made.p90}, {name: "used", color: "#333", values: v.used.p50}], {width: 380, height: 200})));
    charts.replaceChildren(el("h4", {}, `${place.value || "USA"}: ${item.value || "magnets"} (t REO-eq per month)`), lineChart(s.months, [demand, unmet]),
      el("h3", {}, "The race: capacity outside China against demand"), el("div", {class: "row"}, ...race));
  }
  place.onchange = draw; item.onchange = draw;
  main.append(el("div", {class: "card", id: "run-view"}, el("h3", {}, `${run.scenario}: ${run.title}`),
    el("p", {class: "muted"}, `run ${run.id} · ${run.runs} run(s) · seed ${run.seed}`), table, el("p", {}, "Place ", place, " item ", item), charts));
  await draw();
}

show("library");
