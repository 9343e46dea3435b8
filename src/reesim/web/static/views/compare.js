// The Compare page: stored runs side by side on the calendar. Runs that start in different months
// are drawn at their own months (the server aligns them); the indicator, place, item or stage and
// the statistic are chosen here; differences from the first run ticked are drawn and highlighted.
"use strict";
const Compare = (() => {
  const INDICATORS = {
    shortfall: ["Shortfall", "place"], shortfall_share: ["Shortfall share of demand", "place"], demand: ["Demand", "place"],
    cover: ["Magnet stock cover", "cover"], stockpile: ["Strategic stockpile", "cover"], released: ["Released from stockpiles", "cover"],
    price: ["Price outside China", "item"], price_ratio: ["Price against the base year", "item"],
    production_outside: ["Production outside China", "stage"], use_outside: ["Use outside China", "stage"],
  };
  const PLACES = ["EU", "USA", "Japan", "Korea", "China", "outside China"];
  const ITEMS = ["magnets", "La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y", "Sc"];
  const STAGES = ["mining", "separation", "metal", "magnets"];
  const STATS = {band: "Median with P10-P90 band", p50: "Median (P50)", p10: "P10", p90: "P90"};
  const choice = {indicator: "shortfall", place: "EU", item: "magnets", stage: "magnets", stat: "band"};

  function select(id, options, key, onchange) {
    const s = el("select", {id, "aria-label": key}, ...Object.entries(options).map(([v, t]) => el("option", {value: v}, t)));
    s.value = choice[key];
    s.onchange = () => { choice[key] = s.value; onchange(); };
    return s;
  }
  const asOptions = list => Object.fromEntries(list.map(v => [v, v]));

  async function view(_, main) {
    main.append(el("h2", {}, "Compare runs"),
      el("p", {class: "muted"}, "Tick two or more runs; they are drawn on the calendar, each at its own months, so runs that start in different months line up."));
    const status = el("p", {id: "compare-status", role: "status", class: "muted"});
    const out = el("div", {id: "comparison"});
    const list = await api("/api/runs");
    if (!list.length) { main.append(el("p", {class: "empty"}, "No stored runs yet: run a scenario first.")); return; }
    const table = el("table", {id: "compare-runs"}, el("tr", {}, ...["", "id", "scenario", "runs", "created"].map(h => el("th", {}, h))));
    for (const r of list) {
      const box = el("input", {type: "checkbox", "data-run": r.id, "aria-label": `compare ${r.scenario} ${r.id}`});
      box.checked = state.selected.has(r.id);
      box.onchange = () => { box.checked ? state.selected.add(r.id) : state.selected.delete(r.id); hint(); };
      table.append(el("tr", {}, el("td", {}, box), el("td", {}, r.id), el("td", {}, r.scenario), el("td", {}, r.runs), el("td", {}, String(r.created).slice(0, 19))));
    }
    const ticked = () => list.map(r => r.id).filter(id => state.selected.has(id));
    const shown = {place: el("label", {}, "Place ", select("compare-place", asOptions(PLACES), "place", redraw)),
      item: el("label", {}, " Material or element ", select("compare-item", asOptions(ITEMS), "item", redraw)),
      stage: el("label", {}, " Stage ", select("compare-stage", asOptions(STAGES), "stage", redraw))};
    const indicator = select("compare-indicator", Object.fromEntries(Object.entries(INDICATORS).map(([k, v]) => [k, v[0]])), "indicator", () => { fields(); redraw(); });
    const stat = select("compare-stat", STATS, "stat", redraw);
    function fields() {
      const by = INDICATORS[choice.indicator][1];
      shown.place.hidden = !(by === "place" || by === "cover");
      shown.item.hidden = !(by === "place" || by === "item");
      shown.stage.hidden = by !== "stage";
    }
    function hint() {
      const n = ticked().length;
      status.className = "muted";
      status.textContent = n < 2 ? `Tick at least two runs to compare (${n} ticked).` : `${n} runs ticked.`;
    }
    let current = null;  // the ids compared, once the button was pressed
    async function redraw() { if (current) await draw(current, false); }
    let latest = 0;  // choices changed quickly: only the answer to the last request is drawn
    async function draw(ids, withTable) {
      const mine = ++latest;
      status.textContent = `Comparing ${ids.length} runs…`;
      out.setAttribute("aria-busy", "true");
      try {
        const q = new URLSearchParams({ids: ids.join(","), indicator: choice.indicator, place: choice.place, item: choice.item, stage: choice.stage});
        const [c, rowsTable] = await Promise.all([api(`/api/compare/series?${q}`), withTable ? api(`/api/compare?ids=${encodeURIComponent(ids.join(","))}`) : null]);
        if (mine !== latest) return;
        await render(c, rowsTable);
        status.textContent = `Compared ${ids.length} runs.`;
      } catch (e) {
        if (mine !== latest) return;
        status.textContent = "";
        out.replaceChildren(el("p", {class: "error"}, "Could not compare: " + e.message));
      } finally { if (mine === latest) out.removeAttribute("aria-busy"); }
    }
    let indicatorsTable = null;
    async function render(c, rowsTable) {
      if (rowsTable) indicatorsTable = indicatorTable(rowsTable);
      const where = c.by === "stage" ? c.stage : c.by === "item" ? c.item : c.by === "cover" ? c.place : `${c.place}, ${c.item}`;
      const names = c.runs.map((r, k) => `${r.scenario} (${r.id.slice(0, 6)})` + (c.runs.filter(o => o.scenario === r.scenario).length > 1 ? ` #${k + 1}` : ""));
      const series = c.runs.map((r, k) => {
        const pick = choice.stat === "band" ? "p50" : choice.stat;
        return {name: names[k], values: r[pick], lo: choice.stat === "band" ? r.p10 : null, hi: choice.stat === "band" ? r.p90 : null};
      });
      const summary = el("ul", {id: "compare-summary"}, ...c.runs.map((r, k) => el("li", {"data-run": r.id},
        el("b", {}, names[k]), `: ${r.start} to ${r.end}, ${r.runs} run(s); first month above zero: `, el("span", {class: "first"}, r.first_above_zero || "never"))));
      for (const d of c.differences) {
        const k = c.runs.findIndex(r => r.id === d.id);
        if (d.largest && Math.abs(d.largest.value) > 1e-9) {
          summary.append(el("li", {class: "differs"}, `Largest difference, ${names[k]} less ${names[0]}: `,
            el("b", {}, `${d.largest.value > 0 ? "+" : ""}${Charts.number(d.largest.value)} ${c.unit}`), ` in ${d.largest.month}`));
        } else summary.append(el("li", {}, `${names[k]} and ${names[0]}: no difference in the median.`));
      }
      const chart = el("div", {id: "compare-chart"});
      const diffChart = el("div", {id: "compare-diff"});
      out.replaceChildren(el("h3", {}, `${c.label}: ${where} (${c.unit})`), summary, chart,
        el("h4", {}, `Difference from ${names[0]} (median, ${c.unit})`), diffChart,
        valuesTable(c, names), indicatorsTable || "");
      await Charts.lines("compare", chart, c.months, series, {unit: c.unit});
      await Charts.lines("compare-diff", diffChart, c.months, c.differences.map(d => {
        const k = c.runs.findIndex(r => r.id === d.id);
        return {name: `${names[k]} less ${names[0]}`, values: d.values, color: Charts.palette[k % Charts.palette.length]};
      }), {unit: c.unit, height: 140, zero: true});
    }
    function valuesTable(c, names) {
      // Every month of the calendar with each run's median; months where the runs differ are highlighted.
      const t = el("table", {id: "compare-values"}, el("tr", {}, el("th", {}, "month"), ...names.map(n => el("th", {}, n))));
      c.months.forEach((m, i) => {
        const v = c.runs.map(r => r.p50[i]);
        const known = v.filter(x => x != null);
        const differs = known.length > 1 && Math.max(...known) - Math.min(...known) > 1e-6 * Math.max(1, ...known.map(Math.abs));
        t.append(el("tr", {"data-month": m, class: differs ? "differs" : ""}, el("td", {}, m),
          ...v.map((x, k) => el("td", {"data-run": c.runs[k].id}, x == null ? "" : Charts.number(x)))));
      });
      return el("details", {}, el("summary", {}, "Values by month (months where the runs differ are highlighted)"), t);
    }
    function indicatorTable(c) {
      const t = el("table", {id: "compare-indicators"}, el("tr", {}, ...c.columns.map(h => el("th", {}, h))));
      c.rows.forEach(r => {
        const values = r.slice(2, r.length - 1);
        const differs = new Set(values).size > 1;
        t.append(el("tr", {class: differs ? "differs" : ""}, ...r.map(v => el("td", {}, v))));
      });
      return el("div", {}, el("h4", {}, "Indicators (rows where the runs differ are highlighted)"), t);
    }
    const button = el("button", {class: "act", id: "compare-button", onclick: async () => {
      const ids = ticked();
      if (ids.length < 2) {
        status.textContent = `Tick at least two runs to compare (${ids.length} ticked).`;
        status.className = "error";
        out.replaceChildren();
        current = null;
        return;
      }
      status.className = "muted";
      current = ids;
      await draw(ids, true);
    }}, "Compare");
    main.append(el("div", {class: "card controls"}, el("label", {}, "Indicator ", indicator), " ", shown.place, shown.item, shown.stage,
      el("label", {}, " Statistic ", stat)), table, el("p", {}, button, " ", status), out);
    fields();
    hint();
  }
  return {view};
})();
