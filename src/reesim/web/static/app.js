// reesim dashboard: plain JavaScript; charts and the map use the vendored Vega-Lite (static/vendor)
// through static/views/charts.js; nothing is loaded from elsewhere, so it works offline.
"use strict";
const token = new URLSearchParams(location.search).get("token");
const page = document.getElementById("main");
const state = {yaml: "", data: null, selected: new Set(), lastRun: null};

async function api(path, options = {}) {
  const headers = Object.assign({"Content-Type": "application/json"}, token ? {"X-Reesim-Token": token} : {});
  const response = await fetch(path, Object.assign({headers}, options));
  const body = await response.json().catch(() => ({detail: `${response.status} ${response.statusText}`}));
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
  root.setAttribute("aria-busy", "true");
  root.ready = views[view](arg, root).catch(e => root.append(el("p", {class: "error"}, "Error: " + e.message)))
    .finally(() => root.removeAttribute("aria-busy"));
  return root;
}
document.querySelectorAll("nav button").forEach(b => b.addEventListener("click", () => show(b.dataset.view)));

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
  compare: (arg, main) => Compare.view(arg, main),
  map: (arg, main) => WorldMap.view(arg, main),
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
  const started = performance.now();
  const main = show("runs");
  const panel = el("div", {class: "card", id: "job", "aria-busy": "true"}, el("p", {}, "Starting…"));
  main.prepend(panel);
  let job;
  try { job = await api("/api/runs", {method: "POST", body: JSON.stringify(Object.assign({runs}, body))}); }
  catch (e) { panel.removeAttribute("aria-busy"); panel.replaceChildren(el("p", {class: "error"}, "Could not start: " + e.message)); return; }
  const bar = el("div", {class: "bar"}, el("div", {style: "width:0%"}));
  const cancel = el("button", {class: "act alt", id: "cancel-button", onclick: () => api(`/api/jobs/${job.id}`, {method: "DELETE"}).catch(() => {})}, "Cancel");
  const told = el("p", {}, `Running ${job.scenario} (${runs} run(s))…`);
  panel.replaceChildren(told, bar, cancel);
  const partial = el("div", {id: "partial"});
  let shown = 0;
  // Poll every 0.1 s for the first seconds (a single run takes well under a second), then every 0.5 s.
  for (let polls = 0; ; polls++) {
    await new Promise(r => setTimeout(r, polls < 50 ? 100 : 500));
    try { job = await api(`/api/jobs/${job.id}`); }
    catch (e) { panel.removeAttribute("aria-busy"); panel.replaceChildren(el("p", {class: "error"}, "Lost the job: " + e.message)); return; }
    bar.firstChild.style.width = `${100 * job.done / job.runs}%`;
    if (job.runs > 1) told.textContent = `Running ${job.scenario}: ${job.done} of ${job.runs} runs done…`;
    if (job.runs > 1 && job.status === "running" && job.done > shown) {
      // Bands of the runs done so far, redrawn as each chunk of runs finishes.
      shown = job.done;
      const part = await api(`/api/jobs/${job.id}/series?place=EU&item=magnets`).catch(() => null);
      if (part && part.runs) {
        if (!partial.isConnected) panel.append(el("h4", {}, "EU magnets so far (t per month, P10-P90)"), partial);
        partial.dataset.runs = part.runs;
        await Charts.lines("partial", partial, part.months, [
          {name: `demand (${part.runs} runs)`, color: "#333", values: part.demand.p50, lo: part.demand.p10, hi: part.demand.p90},
          {name: "shortfall", color: "#c0392b", values: part.unmet.p50, lo: part.unmet.p10, hi: part.unmet.p90}], {height: 180});
      }
    }
    if (job.status === "done") {
      state.lastRun = job.run_id;
      const stored = performance.now() - started;
      const root = show("runs", job.run_id);
      await root.ready;
      window.reesimTimings = Object.assign(window.reesimTimings || {}, {run: performance.now() - started, stored});
      return;
    }
    if (job.status === "failed" || job.status === "cancelled") {
      panel.removeAttribute("aria-busy");
      panel.replaceChildren(el("p", {class: "error", id: "job-error"}, job.status === "cancelled" ? "Cancelled." : `The run failed: ${job.error}`));
      return;
    }
  }
}

async function showRun(runId, main) {
  const first = api(`/api/runs/${runId}/series?place=USA&item=magnets`);  // asked for with the run, not after it
  first.catch(() => {});
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
  let pending = first;
  async function draw() {
    const s = await (pending || api(`/api/runs/${runId}/series?place=${encodeURIComponent(place.value)}&item=${encodeURIComponent(item.value)}`));
    pending = null;
    if (!place.options.length) {
      s.places.forEach(p => place.append(el("option", {value: p}, p))); s.items.forEach(i => item.append(el("option", {value: i}, i)));
      place.value = "USA"; item.value = "magnets";
    }
    const demand = {name: "demand", color: "#333", values: s.demand.p50, lo: s.demand.p10, hi: s.demand.p90};
    const unmet = {name: "shortfall", color: "#c0392b", values: s.unmet.p50, lo: s.unmet.p10, hi: s.unmet.p90};
    const main = el("div", {id: "run-chart"});
    const race = Object.entries(s.race).map(([stage, v]) => [stage, v, el("div", {"data-stage": stage})]);
    charts.replaceChildren(el("h4", {}, `${place.value || "USA"}: ${item.value || "magnets"} (t REO-eq per month)`), main,
      el("h3", {}, "The race: capacity outside China against demand"),
      el("div", {class: "grid"}, ...race.map(([stage, , box]) => el("div", {}, el("h4", {}, `Outside China: ${stage}`), box))));
    await Promise.all([Charts.lines("run", main, s.months, [demand, unmet], {unit: "t per month"}),
      ...race.map(([stage, v, box]) => Charts.lines(`race-${stage}`, box, s.months,
        [{name: "made", color: "#3b6ea5", values: v.made.p50, lo: v.made.p10, hi: v.made.p90}, {name: "used", color: "#333", values: v.used.p50}], {height: 160}))]);
  }
  place.onchange = draw; item.onchange = draw;
  const report = el("button", {class: "act alt", id: "report-button", onclick: async () => {
    const w = window.open("", "_blank");
    report.textContent = "Writing the report…";
    try {
      const response = await fetch(`/api/runs/${runId}/report`, {headers: token ? {"X-Reesim-Token": token} : {}});
      if (!response.ok) throw new Error((await response.json()).detail);
      const html = await response.text();
      if (w) { w.document.open(); w.document.write(html); w.document.close(); }
      report.textContent = "Report";
    } catch (e) { if (w) w.close(); report.replaceWith(el("span", {class: "error"}, "Could not write the report: " + e.message)); }
  }}, "Report");
  main.append(el("div", {class: "card", id: "run-view"}, el("h3", {}, `${run.scenario}: ${run.title}`),
    el("p", {class: "muted"}, `run ${run.id} · ${run.runs} run(s) · seed ${run.seed} `, report, el("button", {class: "act alt", onclick: () => show("map", run.id)}, "Map")),
    table, el("p", {}, "Place ", place, " item ", item), charts));
  await draw();
}

show("library");
