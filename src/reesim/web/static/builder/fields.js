// reesim scenario builder: form fields generated from the scenario JSON Schema (/api/schema).
// Each field shows its title, unit and description from the schema; names (elements, places,
// blocs, sectors, facilities, sources) are picked from the lists the schema gives, months with a
// month picker, numbers with a number-or-distribution widget. A field reads and writes the
// scenario's data through ctx.get(path) / ctx.set(path, value, structural).
"use strict";

const Fields = (() => {
  const DISTS = ["normal", "lognormal", "triangular", "uniform", "discrete"];
  const NAMED = new Set(["Element", "Place", "Sector", "Facility", "Source", "Country", "Bloc"]);
  let schema = null;

  function setSchema(s) { schema = s; }
  function def(name) { return schema.$defs[name]; }

  // A property schema with its $ref followed: the definition's keys, then the property's own
  // (its title and description win); _def names the definition.
  function resolve(s) {
    if (!s || !s.$ref) return s || {};
    const name = s.$ref.split("/").pop();
    const own = Object.assign({}, s); delete own.$ref;
    return Object.assign({}, resolve(def(name)), own, {_def: name, _defDescription: def(name).description});
  }

  // [schema without its null branch, whether the field may be left out]
  function nonNull(s) {
    s = resolve(s);
    const options = s.anyOf;
    if (!options || !options.some(o => o.type === "null")) return [s, false];
    const rest = options.filter(o => o.type !== "null");
    const own = Object.assign({}, s); delete own.anyOf; delete own.default;
    if (rest.length === 1) {
      const branch = resolve(rest[0]);
      return [Object.assign({}, branch, own, {_def: branch._def, _defDescription: branch._defDescription}), true];
    }
    return [Object.assign(own, {anyOf: rest}), true];
  }

  // What widget a (resolved, non-null) schema needs.
  function widgetOf(s, key) {
    const options = s.anyOf || [];
    if (options.some(o => o.type === "number") && options.some(o => o.oneOf)) return "numdist";
    if (options.some(o => o.type === "array") && options.some(o => o.const !== undefined)) return "all-or-list";
    if (key === "extends") return "extends";
    if (s._def === "Month") return "month";
    if (NAMED.has(s._def)) return "name";
    if (s.enum) return "enum";
    if (s.type === "array") {
      const items = resolve(s.items);
      if (NAMED.has(items._def)) return "names";
      if (items.enum) return "enums";
      if (items.type === "object") return "objects";
      return "texts";
    }
    if (s.type === "object" && s.properties) return "parameters";
    if (s.type === "object") return "blocs";
    if (s.type === "boolean") return "bool";
    if (s.type === "number" || s.type === "integer") return "number";
    return key === "description" || key === "note" ? "longtext" : "text";
  }

  // The choices of a named set: [{value, title, group}]; places add the scenario's own blocs.
  function choices(name, ctx) {
    if (name === "Place") {
      const own = Object.keys(ctx.get(["blocs"]) || {}).map(b => ({value: b, title: `${b} (this scenario's bloc)`, group: "This scenario's blocs"}));
      return [...choices("Country", ctx).map(c => Object.assign(c, {group: "Countries and nodes"})),
        ...choices("Bloc", ctx).map(c => Object.assign(c, {group: "Blocs"})), ...own];
    }
    return def(name).oneOf.map(o => ({value: o.const, title: o.title}));
  }
  function label(c) { return c.title && c.title !== c.value ? `${c.value}: ${c.title}` : c.value; }

  function select(options, value, onchange, empty = "choose…") {
    const box = el("select", {});
    box.append(el("option", {value: ""}, empty));
    const groups = new Map();
    for (const o of options) {
      const option = el("option", {value: o.value, title: o.title || ""}, label(o));
      if (o.group) {
        if (!groups.has(o.group)) { groups.set(o.group, el("optgroup", {label: o.group})); box.append(groups.get(o.group)); }
        groups.get(o.group).append(option);
      } else box.append(option);
    }
    if (value !== undefined && value !== null && !options.some(o => o.value === value)) box.append(el("option", {value}, `${value} (unknown)`));
    box.value = value ?? "";
    box.onchange = () => onchange(box.value);
    return box;
  }

  // Several names: checkboxes for short lists, chips and an "add" list for long ones.
  function manyNames(options, values, onchange) {
    values = Array.isArray(values) ? values : [];
    const unknown = values.filter(v => !options.some(o => o.value === v)).map(v => ({value: v, title: "not a known name"}));
    options = [...options, ...unknown];
    if (options.length <= 20 + unknown.length) {
      // the boxes ticked now, in the list's order (not the values the boxes were drawn with)
      const boxes = el("div", {class: "checks"});
      const ticked = () => [...boxes.querySelectorAll("input:checked")].map(b => b.value);
      boxes.append(...options.map(o => {
        const box = el("input", {type: "checkbox", value: o.value});
        box.checked = values.includes(o.value);
        box.onchange = () => onchange(ticked());
        return el("label", {title: o.title || ""}, box, o.value);
      }));
      return boxes;
    }
    const chips = values.map(v => el("span", {class: "chip", "data-value": v}, v,
      el("button", {type: "button", class: "x", title: `remove ${v}`, onclick: () => onchange(values.filter(x => x !== v))}, "×")));
    const add = select(options.filter(o => !values.includes(o.value)), "", v => { if (v) onchange([...values, v]); }, "add…");
    add.classList.add("add");
    return el("div", {class: "chips"}, ...chips, add);
  }

  function numberInput(s, value, onchange) {
    const input = el("input", {type: "number", step: "any"});
    if (s.minimum !== undefined) input.min = s.minimum;
    if (s.maximum !== undefined) input.max = s.maximum;
    input.value = value ?? "";
    input.onchange = () => onchange(input.value === "" ? undefined : +input.value);
    return input;
  }

  // A number, or a distribution of numbers (its parameters from the distribution's definition).
  function numDist(s, value, onchange) {
    const plain = s.anyOf.find(o => o.type === "number");
    const kind = value && typeof value === "object" ? value.dist : "number";
    const pick = el("select", {class: "dist"}, el("option", {value: "number"}, "a number"),
      ...DISTS.map(d => el("option", {value: d}, d)));
    pick.value = kind;
    pick.onchange = () => {
      const v = typeof value === "number" ? value : (value && value.dist ? centre(value) : (s.default ?? plain.minimum ?? 0));
      onchange(pick.value === "number" ? v : spread(pick.value, v, plain.minimum ?? -Infinity, plain.maximum ?? Infinity), true);
    };
    if (kind === "number") return el("span", {class: "numdist"}, numberInput(plain, value, onchange), pick);
    const dist = def(DISTS.includes(kind) ? ({normal: "Normal", lognormal: "LogNormal", triangular: "Triangular", uniform: "Uniform", discrete: "Discrete"})[kind] : "Normal");
    const parts = Object.entries(dist.properties).filter(([k]) => k !== "dist").map(([k, p]) => {
      const list = k === "values" || k === "weights";
      const input = el("input", {type: list ? "text" : "number", step: "any", class: list ? "list" : "param", "data-param": k,
        placeholder: k === "central" ? "median" : (list ? "1, 2, 3" : "")});
      input.value = value[k] === undefined || value[k] === null ? "" : (list ? value[k].join(", ") : value[k]);
      input.onchange = () => {
        const next = Object.assign({}, value);
        if (input.value === "") delete next[k];
        else next[k] = list ? input.value.split(",").map(x => +x.trim()) : +input.value;
        onchange(next);
      };
      return el("label", {class: "param", title: p.description || ""}, k, " ", input);
    });
    return el("span", {class: "numdist"}, pick, ...parts);
  }
  function centre(d) {
    if (d.central !== undefined && d.central !== null) return d.central;
    return ({normal: d.mean, lognormal: d.median, triangular: d.mode, uniform: (d.low + d.high) / 2, discrete: (d.values || [0])[0]})[d.dist] ?? 0;
  }
  // A distribution around v within the field's range lo-hi: a quarter of v (or of the range) each side.
  function spread(dist, v, lo, hi) {
    const w = Math.abs(v) * 0.25 || (Number.isFinite(hi - lo) ? (hi - lo) / 4 : 1);
    const low = Math.max(lo, v - w), high = Math.min(hi, Math.max(v + w, low + w));
    return ({normal: {dist, mean: v, sd: w / 2}, lognormal: {dist, median: v > 0 ? v : w, sigma: 0.3},
      triangular: {dist, low, mode: Math.min(Math.max(v, low), high), high}, uniform: {dist, low, high},
      discrete: {dist, values: [v]}})[dist];
  }

  // One field: title, unit, the widget, the description; data-path says where problems go.
  function field(key, propSchema, path, ctx, required) {
    const [s, optional] = nonNull(propSchema);
    const kind = widgetOf(s, key);
    const value = ctx.get(path);
    const set = (v, structural) => ctx.set(path, v, structural);
    const clear = v => (v === undefined || (Array.isArray(v) && v.length === 0 && !required)) ? undefined : v;
    let widget;
    switch (kind) {
      case "numdist": widget = numDist(s, value, set); break;
      case "month": {
        widget = el("input", {type: "month", min: "1990-01", max: "2100-12"});
        widget.value = typeof value === "string" ? value.slice(0, 7) : "";
        widget.onchange = () => set(widget.value || undefined, true);
        break;
      }
      case "name": widget = select(choices(s._def, ctx), value, v => set(v || undefined, key === "kind")); break;
      case "names": widget = manyNames(choices(resolve(s.items)._def, ctx), value, v => set(clear(v), true)); break;
      case "enum": widget = select(s.enum.map(v => ({value: v})), value, v => set(v || undefined)); break;
      case "enums": widget = manyNames(resolve(s.items).enum.map(v => ({value: v})), value, v => set(clear(v))); break;
      case "all-or-list": {
        const list = s.anyOf.find(o => o.type === "array");
        const all = el("input", {type: "checkbox", class: "all"});
        all.checked = value === undefined || value === "all";
        all.onchange = () => set(all.checked ? undefined : [], true);
        widget = el("div", {}, el("label", {class: "inline"}, all, " everyone (all)"));
        if (!all.checked) widget.append(manyNames(choices(resolve(list.items)._def, ctx), value, v => set(v, true)));
        break;
      }
      case "objects": widget = objects(s, path, ctx); break;
      case "texts": {
        widget = el("input", {type: "text", placeholder: "comma-separated"});
        widget.value = Array.isArray(value) ? value.join(", ") : (value ?? "");
        widget.onchange = () => set(clear(widget.value.split(",").map(x => x.trim()).filter(Boolean)));
        break;
      }
      case "extends": {
        const names = ctx.scenarios().map(n => ({value: n}));
        widget = Array.isArray(value) ? el("span", {class: "muted"}, value.join(", "), " (a list: edit it in the YAML)")
          : select(names, value, v => set(v || undefined, true), "none");
        break;
      }
      case "bool": {
        widget = el("input", {type: "checkbox"});
        widget.checked = !!value;
        widget.onchange = () => set(widget.checked || undefined);
        break;
      }
      case "number": widget = numberInput(s, value, set); break;
      case "parameters": widget = parameters(s, path, ctx); break;
      case "blocs": widget = blocs(path, ctx); break;
      case "longtext": {
        widget = el("textarea", {rows: 2});
        widget.value = value ?? "";
        widget.onchange = () => set(widget.value || undefined);
        break;
      }
      default: {
        widget = el("input", {type: "text"});
        widget.value = value ?? "";
        widget.onchange = () => set(widget.value || undefined, key === "id");
      }
    }
    const title = s.title || key;
    for (const input of [widget, ...widget.querySelectorAll("input:not([type=checkbox]), select, textarea")].filter(n => n.matches("input, select, textarea"))) {
      if (!input.hasAttribute("aria-label")) input.setAttribute("aria-label", title);
    }
    const unit = s.unit ? el("span", {class: "unit"}, s.unit) : "";
    const mark = required && !optional ? el("span", {class: "req", title: "required"}, "*") : "";
    return el("div", {class: `field ${kind}`, "data-path": path.join("."), "data-key": key},
      el("div", {class: "label"}, el("b", {}, title), mark, unit),
      widget, s.description ? el("div", {class: "hint"}, s.description) : "");
  }

  // A list of objects (suspension periods, approval steps, scheduled releases), each a small form.
  function objects(s, path, ctx) {
    const items = resolve(s.items);
    const list = ctx.get(path) || [];
    const rows = list.map((_, i) => el("div", {class: "object", "data-path": [...path, i].join(".")},
      ...Object.entries(items.properties).map(([k, p]) => field(k, p, [...path, i, k], ctx, (items.required || []).includes(k))),
      el("button", {type: "button", class: "x", title: "remove", onclick: () => ctx.set(path, list.filter((__, j) => j !== i).length ? list.filter((__, j) => j !== i) : undefined, true)}, "×")));
    const add = el("button", {type: "button", class: "small", onclick: () => ctx.set(path, [...list, {}], true)}, `+ ${(items.title || "item").replace(/(?<=[a-z])([A-Z])/g, " $1").toLowerCase().replace(/^./, c => c.toUpperCase())}`);
    return el("div", {class: "objects"}, ...rows, add);
  }

  // The scenario's own blocs: a name and its member places each.
  function blocs(path, ctx) {
    const value = ctx.get(path) || {};
    const rows = Object.entries(value).map(([name, members]) => el("div", {class: "object", "data-path": [...path, name].join(".")},
      el("b", {}, name), manyNames(choices("Country", ctx), members, v => ctx.set([...path, name], v, true)),
      el("button", {type: "button", class: "x", title: "remove", onclick: () => { const next = Object.assign({}, value); delete next[name]; ctx.set(path, Object.keys(next).length ? next : undefined, true); }}, "×")));
    const name = el("input", {type: "text", placeholder: "new bloc id"});
    const add = el("button", {type: "button", class: "small", onclick: () => { if (name.value) ctx.set([...path, name.value], [], true); }}, "+ bloc");
    return el("div", {class: "objects"}, ...rows, el("div", {}, name, add));
  }

  // Overrides of the dataset's parameters: pick one (its unit and description shown), then its value.
  function parameters(s, path, ctx) {
    const value = ctx.get(path) || {};
    const rows = Object.keys(value).map(k => el("div", {class: "object"},
      field(k, s.properties[k] || {anyOf: [{type: "number"}]}, [...path, k], ctx, true),
      el("button", {type: "button", class: "x", title: "remove", onclick: () => { const next = Object.assign({}, value); delete next[k]; ctx.set(path, Object.keys(next).length ? next : undefined, true); }}, "×")));
    const names = Object.entries(s.properties).filter(([k]) => !(k in value)).map(([k, p]) => ({value: k, title: `${p.unit}; ${p.description}`}));
    const add = select(names, "", k => { if (k) ctx.set([...path, k], s.properties[k].default ?? 0, true); }, "override a parameter…");
    return el("div", {class: "objects"}, ...rows, add);
  }

  return {setSchema, resolve, field, def};
})();
