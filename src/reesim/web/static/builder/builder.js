// reesim scenario builder: start from a blank or a shipped scenario, add instruments from a palette
// (each a card whose fields come from the scenario JSON Schema), read them on a timeline (drag a
// bar to move its dates), and keep the YAML beside them in sync both ways. Whether the scenario is
// valid, and every message, comes from /api/validate (the messages of `reesim validate`); each
// message is also shown at its field.
"use strict";

const Build = {schema: null, data: null, names: [], inherited: new Map(), version: 0, open: new Set()};
const BASE_KEYS = ["id", "note", "sources", "start", "end"];
const BLANK = {name: "my-scenario", start: "2026-01", horizon: "2028-12", instruments: []};
// Fields of an instrument shown without opening "More fields", besides required ones, those its
// kind's example uses and those with a value.
const ALWAYS = ["elements", "destinations", "end"];

function monthIndex(m) { const [y, mo] = String(m).split("-").map(Number); return y * 12 + mo - 1; }
function monthText(i) { const y = Math.floor(i / 12), m = i % 12 + 1; return `${y}-${String(m).padStart(2, "0")}`; }
function kindsOf(schema) {
  const items = schema.properties.instruments.items;
  return items.oneOf.map(o => o.$ref.split("/").pop()).map(d => [schema.$defs[d].properties.kind.const, schema.$defs[d]]);
}
function specOf(kind) { return kindsOf(Build.schema).find(([k]) => k === kind)?.[1]; }
function dig(data, path) { return path.reduce((o, k) => (o == null ? undefined : o[k]), data); }
function put(data, path, value) {
  let o = data;
  for (let i = 0; i < path.length - 1; i++) {
    if (o[path[i]] == null) o[path[i]] = typeof path[i + 1] === "number" ? [] : {};
    o = o[path[i]];
  }
  const last = path[path.length - 1];
  if (value === undefined) { if (Array.isArray(o)) o.splice(last, 1); else delete o[last]; } else o[last] = value;
}
// Keys in the schema's order (kind first), so the YAML reads as the docs write it.
function ordered(data) {
  const top = Object.keys(Build.schema.properties);
  const out = {};
  for (const k of [...top, ...Object.keys(data)]) if (k in data && !(k in out)) out[k] = data[k];
  if (Array.isArray(out.instruments)) out.instruments = out.instruments.map(inst => {
    const spec = inst && specOf(inst.kind);
    if (!spec) return inst;
    const own = Object.keys(spec.properties).filter(k => k !== "kind" && !BASE_KEYS.includes(k));
    const keys = ["kind", "id", ...own, "start", "end", "note", "sources", ...Object.keys(inst)];
    const item = {};
    for (const k of keys) if (k in inst && !(k in item)) item[k] = inst[k];
    return item;
  });
  return out;
}

views.editor = async function (name, main) {
  Build.schema = Build.schema || await api("/api/schema");
  Fields.setSchema(Build.schema);
  const library = await api("/api/scenarios");
  Build.names = library.map(s => s.name);
  const text = el("textarea", {id: "yaml", spellcheck: "false", "aria-label": "scenario YAML"});
  const status = el("div", {id: "validation"});
  const cards = el("div", {id: "cards"});
  const timeline = el("div", {id: "timeline", class: "timeline-chart"});
  const runs = el("input", {id: "runs", type: "number", min: 1, max: 200, value: 1});
  const from = el("select", {id: "start-from"}, ...library.map(s => el("option", {value: s.name}, `${s.name}${s.kind === "yours" ? " (yours)" : ""}: ${s.title}`)));
  let lastProblems = [];

  const ctx = {
    get: path => dig(Build.data, path),
    set: (path, value, structural) => { put(Build.data, path, value); fromData(structural); },
    scenarios: () => Build.names,
  };

  async function check() {
    const version = ++Build.version;
    state.yaml = text.value;
    const r = await api("/api/validate", {method: "POST", body: JSON.stringify({yaml: text.value})});
    if (version !== Build.version) return r.ok;
    status.replaceChildren(r.ok ? el("p", {class: "ok"}, `valid: ${r.name}, ${r.months} months, ${r.instruments} engine instruments`)
      : el("ul", {class: "problems"}, ...r.problems.map(p => el("li", {}, p.text))));
    lastProblems = r.problems;
    placeProblems();
    return r.ok;
  }
  // Each problem also at its field (or the deepest part of it on the page).
  function placeProblems() {
    cards.querySelectorAll(".problem").forEach(n => n.remove());
    cards.querySelectorAll(".has-problem").forEach(n => n.classList.remove("has-problem"));
    for (const p of lastProblems) {
      if (!p.field) continue;
      const path = p.field.replace(/\[(\d+)\]/g, ".$1").split(".");
      let target = null;
      for (let n = path.length; n > 0 && !target; n--) target = cards.querySelector(`[data-path="${CSS.escape(path.slice(0, n).join("."))}"]`);
      if (!target) continue;
      target.append(el("div", {class: "problem"}, p.message + (p.hint ? ` (hint: ${p.hint})` : "")));
      target.closest(".card")?.classList.add("has-problem");
    }
  }

  // While a change is on its way to the server, the verdict is marked busy (aria-busy): what it
  // shows may be that of the text before the change.
  let pending = 0, textTimer = null;
  function busy(by) { pending += by; status.toggleAttribute("aria-busy", pending > 0); }
  // A change in the cards: the YAML is written from the data, then checked.
  async function fromData(structural) {
    busy(1);
    try {
      if (structural) renderCards();
      renderTimeline();
      const version = ++Build.version;
      const r = await api("/api/yaml", {method: "POST", body: JSON.stringify(ordered(Build.data))});
      if (version !== Build.version) return;
      text.value = r.yaml;
      await check();
    } finally { busy(-1); }
  }
  // A change in the YAML: the cards are drawn from it when it reads as a mapping.
  async function fromText() {
    busy(1);
    try {
      const version = ++Build.version;
      const r = await api("/api/parse", {method: "POST", body: JSON.stringify({yaml: text.value})});
      if (version !== Build.version) return;
      if (r.data) { Build.data = r.data; renderCards(); renderTimeline(); }
      await check();
    } finally { busy(-1); }
  }
  text.addEventListener("input", () => {
    if (textTimer === null) busy(1);
    clearTimeout(textTimer);
    textTimer = setTimeout(() => { textTimer = null; fromText().finally(() => busy(-1)); }, 300);
  });

  async function start(yaml) { Build.open.clear(); text.value = yaml; await fromText(); }
  async function startData(data) { Build.open.clear(); Build.data = data; renderCards(); await fromData(false); }

  function renderCards() {
    const data = Build.data || {};
    const top = Build.schema.properties, required = Build.schema.required || [];
    const main = ["name", "title", "description", "extends", "start", "horizon"];
    const more = Object.keys(top).filter(k => !main.includes(k) && k !== "instruments");
    const scenarioCard = el("div", {class: "card scenario", "data-path": ""},
      el("h3", {}, "Scenario"), el("div", {class: "grid"}, ...main.map(k => Fields.field(k, top[k], [k], ctx, required.includes(k)))),
      el("details", {}, el("summary", {}, `More: ${more.join(", ")}`),
        el("div", {class: "grid"}, ...more.map(k => Fields.field(k, top[k], [k], ctx, false)))));
    scenarioCard.querySelector("details").open = more.some(k => data[k] !== undefined);
    const list = (data.instruments || []).map((inst, i) => instrumentCard(inst, i));
    cards.replaceChildren(scenarioCard, el("h3", {}, `Instruments (${list.length})`),
      list.length ? "" : el("p", {class: "muted", id: "no-instruments"}, "None yet: add one from the palette."), ...list);
    placeProblems();
  }

  function instrumentCard(inst, i) {
    const path = ["instruments", i];
    const spec = inst && specOf(inst.kind);
    const head = el("div", {class: "card-head"},
      el("h4", {}, spec ? spec.title : `unknown kind ${inst && inst.kind}`, inst && inst.id ? el("span", {class: "muted"}, ` ${inst.id}`) : ""),
      el("span", {class: "muted"}, inst && inst.start ? `${inst.start}${inst.end ? " to " + inst.end : " onwards"}` : ""),
      el("button", {type: "button", class: "small", title: "move up", onclick: () => move(i, -1)}, "↑"),
      el("button", {type: "button", class: "small", title: "move down", onclick: () => move(i, 1)}, "↓"),
      el("button", {type: "button", class: "small copy", title: "add a copy of it below", onclick: () => {
        const copy = structuredClone(inst);
        delete copy.id;  // ids must differ
        Build.data.instruments.splice(i + 1, 0, copy);
        fromData(true);
      }}, "Copy"),
      el("button", {type: "button", class: "small remove", onclick: () => { Build.data.instruments.splice(i, 1); fromData(true); }}, "Remove"));
    const card = el("div", {class: "card instrument", "data-path": path.join("."), "data-kind": inst && inst.kind, "data-index": i}, head);
    if (!spec) return card;
    const required = spec.required || [];
    const own = Object.keys(spec.properties).filter(k => k !== "kind" && !BASE_KEYS.includes(k));
    const order = [...own, "start", "end", "id", "note", "sources"].filter(k => k in spec.properties);
    const example = Object.keys((spec.examples || [{}])[0]);
    const shown = order.filter(k => k in spec.properties && (required.includes(k) || ALWAYS.includes(k) || example.includes(k) || inst[k] !== undefined));
    const rest = order.filter(k => !shown.includes(k));
    card.append(el("p", {class: "muted effect"}, spec.description || ""),
      el("div", {class: "grid"}, ...shown.map(k => Fields.field(k, spec.properties[k], [...path, k], ctx, required.includes(k)))));
    if (rest.length) {
      // "More fields" stays open while the cards are redrawn
      const more = el("details", {}, el("summary", {}, `More fields (${rest.length})`),
        el("div", {class: "grid"}, ...rest.map(k => Fields.field(k, spec.properties[k], [...path, k], ctx, false))));
      more.open = Build.open.has(i);
      more.addEventListener("toggle", () => more.open ? Build.open.add(i) : Build.open.delete(i));
      card.append(more);
    }
    return card;
  }
  function move(i, by) {
    const list = Build.data.instruments, j = i + by;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    fromData(true);
  }
  function add(kind) {
    Build.data = Build.data || structuredClone(BLANK);
    Build.data.instruments = Build.data.instruments || [];
    Build.data.instruments.push({kind, start: Build.data.start || "2026-01"});
    fromData(true).then(() => cards.querySelector(`.instrument[data-index="${Build.data.instruments.length - 1}"]`)?.scrollIntoView({block: "nearest"}));
  }

  // Instruments as bars from start to end on the scenario's months; inherited ones in grey.
  async function renderTimeline() {
    const data = Build.data || {};
    const own = (data.instruments || []).map((inst, i) => ({inst, i}));
    let inherited = [];
    if (typeof data.extends === "string" && Build.names.includes(data.extends)) {
      if (!Build.inherited.has(data.extends)) Build.inherited.set(data.extends, api(`/api/scenarios/${data.extends}`).then(s => s).catch(() => null));
      const parent = await Build.inherited.get(data.extends);
      const replaced = new Set([...own.map(o => o.inst && o.inst.id), ...(data.remove || [])].filter(Boolean));
      inherited = parent ? parent.instruments.filter(x => !replaced.has(x.id)).map(inst => ({inst, i: null, parent})) : [];
    }
    const rows = [...inherited, ...own].filter(r => r.inst && /^\d{4}-\d{2}/.test(r.inst.start || ""));
    const first = data.start || inherited[0]?.parent.start, last = data.horizon || inherited[0]?.parent.horizon;
    if (!first || !last || !/^\d{4}-\d{2}/.test(first) || !/^\d{4}-\d{2}/.test(last) || monthIndex(last) < monthIndex(first)) {
      timeline.replaceChildren(el("p", {class: "muted"}, "Give the scenario a start and a horizon to see its timeline."));
      return;
    }
    const t0 = monthIndex(first), t1 = monthIndex(last) + 1, span = t1 - t0;
    const pct = m => `${Math.max(0, Math.min(100, 100 * (m - t0) / span))}%`;
    const axis = el("div", {class: "axis"});
    for (let y = Math.ceil(t0 / 12) * 12; y < t1; y += 12) axis.append(el("span", {style: `left:${pct(y)}`}, String(y / 12)));
    const body = rows.map(({inst, i, parent}) => {
      const s = monthIndex(inst.start), e = inst.end && /^\d{4}-\d{2}/.test(inst.end) ? monthIndex(inst.end) : t1;
      const bar = el("div", {class: `bar k-${inst.kind}${parent ? " inherited" : ""}${inst.end ? "" : " open"}`,
        style: `left:${pct(s)};width:calc(${pct(Math.max(e, s + 1))} - ${pct(s)})`,
        title: `${inst.kind}${inst.id ? " " + inst.id : ""}: ${inst.start} to ${inst.end || "the horizon"}${parent ? ` (from ${data.extends})` : ""}`});
      for (const p of inst.suspended || []) {
        if (!p || !p.from) continue;
        const a = monthIndex(p.from), b = p.to ? monthIndex(p.to) : e;
        bar.append(el("div", {class: "gap", style: `left:${100 * (a - s) / Math.max(1, e - s)}%;width:${100 * (b - a) / Math.max(1, e - s)}%`, title: `suspended ${p.from} to ${p.to || "the end"}`}));
      }
      if (i !== null && inst.end) bar.append(el("div", {class: "grip", title: "drag to change the end"}));
      if (i !== null) drag(bar, i, span);
      const name = `${(specOf(inst.kind)?.title) || inst.kind}${inst.id ? " · " + inst.id : ""}${parent ? " (inherited)" : ""}`;
      return el("div", {class: "lane", "data-index": i ?? ""}, el("div", {class: "name", title: name}, name), el("div", {class: "track"}, bar));
    });
    timeline.replaceChildren(el("div", {class: "lane head"}, el("div", {class: "name"}, `${first} to ${last}`), el("div", {class: "track"}, axis)),
      ...(body.length ? body : [el("p", {class: "muted"}, "No instruments yet.")]));
  }
  // Drag a bar to move its instrument's start and end by whole months, or its grip (the right
  // edge) to change its end; a click opens its card.
  function drag(bar, i, span) {
    bar.addEventListener("pointerdown", e => {
      const track = bar.parentElement.getBoundingClientRect(), x0 = e.clientX, width = bar.offsetWidth;
      const endOnly = e.target.classList.contains("grip");
      let by = 0;
      bar.setPointerCapture(e.pointerId);
      bar.onpointermove = m => {
        by = Math.round((m.clientX - x0) / track.width * span);
        const px = by * track.width / span;
        if (endOnly) bar.style.width = `${Math.max(track.width / span, width + px)}px`; else bar.style.transform = `translateX(${px}px)`;
      };
      bar.onpointerup = () => {
        bar.onpointermove = bar.onpointerup = null;
        const inst = Build.data.instruments[i];
        if (by === 0) { cards.querySelector(`.instrument[data-index="${i}"]`)?.scrollIntoView({block: "start", behavior: "smooth"}); return; }
        if (endOnly) inst.end = monthText(Math.max(monthIndex(inst.start) + 1, monthIndex(inst.end) + by));
        else {
          inst.start = monthText(monthIndex(inst.start) + by);
          if (inst.end) inst.end = monthText(monthIndex(inst.end) + by);
        }
        fromData(true);
      };
    });
  }

  const palette = el("div", {id: "palette"}, ...kindsOf(Build.schema).map(([kind, spec]) =>
    el("button", {type: "button", class: "kind", "data-kind": kind, title: `${spec.description}\n\nIn the model: ${spec["x-effect"] || ""}`, onclick: () => add(kind)}, spec.title)));
  const toolbar = el("div", {class: "toolbar"},
    el("button", {type: "button", class: "act", id: "new-blank", onclick: () => startData(structuredClone(BLANK))}, "New blank scenario"),
    " or start from ", from,
    el("button", {type: "button", class: "act alt", id: "open-scenario", title: "its file, to change it", onclick: async () => start((await api(`/api/scenarios/${from.value}`)).yaml)}, "Open"),
    el("button", {type: "button", class: "act alt", id: "extend-scenario", title: "a new scenario that extends it: add to it, replace or remove its instruments",
      onclick: () => startData({name: `my-${from.value}`.slice(0, 100), extends: from.value, instruments: []})}, "Build on it"));
  const runBar = el("p", {class: "run-bar"}, "Runs: ", runs, " ",
    el("button", {class: "act", id: "run-button", onclick: async () => { if (await check()) startRun({yaml: text.value}, +runs.value); }}, "Run this scenario"),
    el("button", {class: "act alt", id: "save-button", onclick: async () => {
      try { const r = await api("/api/scenarios", {method: "POST", body: JSON.stringify({yaml: text.value})}); status.append(el("p", {class: "ok"}, `saved as ${r.name}: it is in the Scenarios list`)); }
      catch (e) { status.append(el("p", {class: "error"}, e.message)); }
    }}, "Save as my scenario"));
  main.append(el("h2", {}, "Scenario builder"),
    el("p", {class: "muted"}, "Build a scenario from the palette, or edit its YAML: each side follows the other, and both are checked as you go with the messages of `reesim validate`."),
    toolbar,
    el("div", {class: "builder"},
      el("div", {class: "build-side"}, el("h3", {}, "Add an instrument"), palette, el("h3", {}, "Timeline"), timeline, cards),
      el("div", {class: "yaml-side"}, el("h3", {}, "YAML"), text, status, runBar)));
  if (name) from.value = name;
  if (name) await start((await api(`/api/scenarios/${name}`)).yaml);
  else if (state.yaml) await start(state.yaml);
  else await startData(structuredClone(BLANK));
};
