// Charts of the dashboard, drawn with the vendored Vega-Lite (static/vendor): monthly lines with
// P10-P90 bands, a legend, tooltips, and zoom (drag to pan, wheel to zoom, double-click to reset).
// Every chart is kept in Charts.views by name, so the page can update it and tests can read what it plots.
"use strict";
const Charts = (() => {
  const views = {};
  const palette = ["#3b6ea5", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#2c3e50"];
  const number = v => v == null ? "none" : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2);

  // Rows of a long table: one per series and month, with the month as a date for the time axis.
  function rows(months, series) {
    const out = [];
    for (const s of series) {
      months.forEach((m, i) => {
        const value = s.values[i];
        if (value == null && !(s.lo && s.lo[i] != null)) return;
        out.push({month: m, date: m + "-01", series: s.name, value, lo: s.lo ? s.lo[i] : null, hi: s.hi ? s.hi[i] : null});
      });
    }
    return out;
  }

  // A line chart of monthly series; series: [{name, values, lo?, hi?, color?}] on the months given.
  async function lines(name, container, months, series, opts = {}) {
    const names = series.map(s => s.name);
    const colours = series.map((s, k) => s.color || palette[k % palette.length]);
    // every month given is on the axis, also those no series has (charts of one calendar line up)
    const utc = m => Date.UTC(+m.slice(0, 4), +m.slice(5, 7) - 1, 1);
    const domain = months.length ? [utc(months[0]), utc(months[months.length - 1])] : undefined;
    const x = {field: "date", type: "temporal", scale: {type: "utc", domain}, title: null, axis: {format: "%Y-%m", labelOverlap: "greedy", labelSeparation: 8}};
    const colour = {field: "series", type: "nominal", scale: {domain: names, range: colours}, legend: {orient: "top", title: null}};
    const tooltip = [{field: "month", title: "month"}, {field: "series", title: "series"},
      {field: "value", title: opts.unit || "value", format: ",.2f"}].concat(series.some(s => s.lo) ?
      [{field: "lo", title: "P10", format: ",.2f"}, {field: "hi", title: "P90", format: ",.2f"}] : []);
    const layer = [];
    if (series.some(s => s.lo && s.hi)) {
      layer.push({mark: {type: "area", opacity: 0.18}, transform: [{filter: "isValid(datum.lo) && isValid(datum.hi)"}],
        encoding: {x, y: {field: "lo", type: "quantitative"}, y2: {field: "hi"}, color: colour}});
    }
    layer.push({mark: {type: "line", strokeWidth: 1.8, interpolate: "linear"}, transform: [{filter: "isValid(datum.value)"}],
      encoding: {x, y: {field: "value", type: "quantitative", title: opts.unit || null}, color: colour},
      params: [{name: "zoom", select: {type: "interval", encodings: ["x"]}, bind: "scales"}]});
    layer.push({mark: {type: "point", filled: true, size: 40, opacity: 0}, transform: [{filter: "isValid(datum.value)"}],
      encoding: {x, y: {field: "value", type: "quantitative"}, color: colour, tooltip}});
    if (opts.zero) layer.push({mark: {type: "rule", color: "#999", strokeDash: [3, 3]}, data: {values: [{y: 0}]}, encoding: {y: {field: "y", type: "quantitative"}}});
    const spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      width: "container", height: opts.height || 240, autosize: {type: "fit-x", contains: "padding"},
      data: {name: "points", values: rows(months, series)}, layer,
      config: {view: {stroke: "#ddd"}, axis: {labelFontSize: 10, titleFontSize: 11}, legend: {labelFontSize: 11, symbolType: "stroke", symbolOpacity: 1, symbolStrokeWidth: 2.5}},
    };
    return embed(name, container, spec);
  }

  // Any Vega-Lite spec into container, drawn as SVG; the view is kept as Charts.views[name].
  async function embed(name, container, spec) {
    container.classList.add("chart");
    container.dataset.chart = name;
    if (views[name]) views[name].finalize();
    const result = await vegaEmbed(container, spec, {renderer: "svg", actions: false});
    views[name] = result.view;
    container.dataset.ready = "true";
    return result.view;
  }

  return {lines, embed, views, palette, number};
})();
