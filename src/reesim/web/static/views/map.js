// The Map page: a stored run on the world map, drawn with the vendored Vega-Lite from the Natural
// Earth boundaries shipped in static/vendor. Countries are coloured by their model node's figure
// for the month of the slider (shortfall, stock cover, stockpile or price of a material and
// element); lines are the largest shipments between nodes that month.
"use strict";
const WorldMap = (() => {
  const INDICATORS = {shortfall_share: "Shortfall share of demand", shortfall: "Shortfall (t)", cover: "Stock cover (months)",
    stockpile: "Strategic stockpile (t)", price: "Price (USD/kg)"};
  const SCHEMES = {shortfall_share: "reds", shortfall: "reds", cover: "blues", stockpile: "greens", price: "oranges"};
  const MATERIALS = ["magnet", "metal", "oxide", "concentrate"];
  const choice = {run: null, indicator: "shortfall_share", material: "magnet", element: "all", month: null, flows: true};
  let world = null;  // the countries' features, read once

  async function countries() {
    if (!world) {
      const response = await fetch("static/vendor/world-110m.json", {headers: token ? {"X-Reesim-Token": token} : {}});
      if (!response.ok) throw new Error("the map's boundaries could not be read");
      world = vega.read(await response.json(), {type: "topojson", feature: "countries"});
    }
    return world;
  }

  function select(id, options, key, onchange) {
    const s = el("select", {id, "aria-label": key}, ...Object.entries(options).map(([v, t]) => el("option", {value: v}, t)));
    if (choice[key] != null) s.value = choice[key];
    s.onchange = () => { choice[key] = s.value; onchange(); };
    return s;
  }

  async function view(runId, main) {
    main.append(el("h2", {}, "World map"),
      el("p", {class: "muted"}, "A stored run's central scenario per country: pick what colours the countries, the material and element, and the month; lines are the largest shipments between places that month."));
    const list = await api("/api/runs");
    if (!list.length) { main.append(el("p", {class: "empty"}, "No stored runs yet: run a scenario first.")); return; }
    choice.run = runId || (list.some(r => r.id === choice.run) ? choice.run : list[0].id);
    const status = el("p", {id: "map-status", role: "status", class: "muted"});
    const chart = el("div", {id: "map"});
    const slider = el("input", {type: "range", id: "map-month", min: 0, max: 0, value: 0, "aria-label": "month"});
    const label = el("b", {id: "map-month-label"});
    const top = el("div", {id: "map-top"});
    const elements = el("select", {id: "map-element", "aria-label": "element"}, el("option", {value: "all"}, "all elements"));
    elements.onchange = () => { choice.element = elements.value; load(); };
    const flows = el("input", {type: "checkbox", id: "map-flows"});
    flows.checked = choice.flows;
    let data = null;
    flows.onchange = () => { choice.flows = flows.checked; if (data) draw(); };
    slider.oninput = () => { choice.month = +slider.value; month(); };
    const runs = select("map-run", Object.fromEntries(list.map(r => [r.id, `${r.scenario} (${r.id.slice(0, 6)}, ${String(r.created).slice(0, 16)})`])), "run", () => { choice.month = null; load(); });
    main.append(el("div", {class: "card controls"}, el("label", {}, "Run ", runs), " ",
      el("label", {}, "Colour by ", select("map-indicator", INDICATORS, "indicator", load)), " ",
      el("label", {}, "Material ", select("map-material", Object.fromEntries(MATERIALS.map(m => [m, m])), "material", load)), " ",
      el("label", {}, "Element ", elements), " ", el("label", {}, flows, " shipments")),
      el("p", {class: "slider"}, "Month ", slider, " ", label), status, chart, top);

    function month() {
      const m = data.months[choice.month];
      label.textContent = m;
      const view = Charts.views.map;
      if (view) view.signal("month", choice.month).runAsync();
      // The month's figures as a table too: readable without the colours, and what the tests read.
      const values = data.nodes.map(n => [n, data.values[n.id][choice.month]]).filter(([, v]) => v != null)
        .sort((a, b) => b[1] - a[1]);
      const shipped = data.flows.filter(f => f[0] === choice.month).slice(0, 8);
      top.replaceChildren(el("div", {class: "row"},
        el("table", {id: "map-values", "data-month": m}, el("tr", {}, el("th", {}, "place"), el("th", {}, `${data.label} (${data.unit}), ${m}`)),
          ...values.map(([n, v]) => el("tr", {"data-node": n.id}, el("td", {}, n.name), el("td", {}, Charts.number(v))))),
        el("table", {id: "map-flows-table"}, el("tr", {}, el("th", {}, "from"), el("th", {}, "to"), el("th", {}, `shipped (${data.flow_unit})`)),
          ...shipped.map(f => el("tr", {}, el("td", {}, f[1]), el("td", {}, f[2]), el("td", {}, Charts.number(f[3])))))));
    }

    async function draw() {
      const features = await countries();
      const nodeOf = {};
      for (const n of data.nodes) for (const c of n.countries) nodeOf[c] = n.id;
      const names = Object.fromEntries(data.nodes.map(n => [n.id, n.name]));
      const shapes = features.map(f => {
        const node = nodeOf[f.id] || "ROW";
        return {type: "Feature", geometry: f.geometry, properties: {name: f.properties.name, node, place: names[node], values: data.values[node]}};
      });
      // One colour scale for every month, so that moving the slider compares months.
      const all = Object.values(data.values).flat().filter(v => v != null);
      const domain = [Math.min(0, ...all), Math.max(1e-6, ...all)];
      const at = Object.fromEntries(data.nodes.map(n => [n.id, n]));
      const lines = choice.flows ? data.flows.map(([t, from, to, v]) => ({t, from: names[from], to: names[to], v,
        lon: at[from].lon, lat: at[from].lat, lon2: at[to].lon, lat2: at[to].lat})) : [];
      const spec = {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        width: "container", height: 430, autosize: {type: "fit-x", contains: "padding"},
        projection: {type: "equalEarth"},
        params: [{name: "month", value: choice.month}],
        layer: [
          {data: {values: shapes}, transform: [{calculate: "datum.properties.values[month]", as: "value"}],
            mark: {type: "geoshape", stroke: "#fff", strokeWidth: 0.4},
            encoding: {color: {condition: {test: "!isValid(datum.value)", value: "#e3e3e3"}, field: "value", type: "quantitative",
              title: `${data.unit}`, scale: {scheme: SCHEMES[data.indicator], domain}, legend: {format: ",.3~r"}},
              tooltip: [{field: "properties.name", title: "country"}, {field: "properties.place", title: "modelled as"},
                {field: "value", title: `${data.label} (${data.unit})`, format: ",.2f"}]}},
          {data: {values: lines}, transform: [{filter: "datum.t == month"}],
            mark: {type: "rule", color: "#23395d", opacity: 0.55, strokeCap: "round"},
            encoding: {longitude: {field: "lon", type: "quantitative"}, latitude: {field: "lat", type: "quantitative"},
              longitude2: {field: "lon2"}, latitude2: {field: "lat2"},
              strokeWidth: {field: "v", type: "quantitative", scale: {range: [0.6, 7]}, title: `shipped (${data.flow_unit})`},
              tooltip: [{field: "from"}, {field: "to"}, {field: "v", title: `shipped (${data.flow_unit})`, format: ",.1f"}]}},
          {data: {values: data.nodes}, mark: {type: "circle", color: "#23395d", size: 22},
            encoding: {longitude: {field: "lon", type: "quantitative"}, latitude: {field: "lat", type: "quantitative"},
              tooltip: [{field: "name", title: "place"}]}},
        ],
        config: {view: {stroke: null}, legend: {orient: "bottom-left"}},
      };
      await Charts.embed("map", chart, spec);
      month();
    }

    let latest = 0;  // choices changed quickly: only the answer to the last request is drawn
    async function load() {
      const mine = ++latest;
      status.textContent = "Loading the map…";
      chart.setAttribute("aria-busy", "true");
      try {
        const q = new URLSearchParams({indicator: choice.indicator, material: choice.material, element: choice.element});
        const answer = await api(`/api/runs/${choice.run}/map?${q}`);
        if (mine !== latest) return;
        data = answer;
        if (elements.options.length === 1) data.elements.slice(1).forEach(e => elements.append(el("option", {value: e}, e)));
        elements.value = choice.element;
        slider.max = data.months.length - 1;
        if (choice.month == null || choice.month >= data.months.length) choice.month = Math.min(data.months.length - 1, 12);
        slider.value = choice.month;
        await draw();
        status.textContent = `${data.scenario}: ${data.label} of ${choice.material}, ${choice.element === "all" ? "all elements" : choice.element}` +
          (data.central ? " (the central run of a Monte Carlo run)" : "") + ".";
      } catch (e) {
        if (mine !== latest) return;
        status.textContent = "";
        chart.replaceChildren(el("p", {class: "error"}, "Could not draw the map: " + e.message));
      } finally { if (mine === latest) chart.removeAttribute("aria-busy"); }
    }
    await load();
  }
  return {view};
})();
