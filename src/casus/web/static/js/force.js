// The force (contingents; every figure with who gave it and its sources; conflicts flagged) and
// the mandate (tasks as quoted; facilities by name and category, never coordinates; counts; host
// personnel released, computed beside reported).

import { h, joined, label } from "./dom.js";
import { assumption, sources, table } from "./values.js";

function figureGroup(g) {
  const of = g.contingent || "whole force";
  const rows = (g.figures || []).map((f, i) =>
    h("tr", { class: g.conflict ? "conflicting" : null },
      i === 0 ? h("td", { rowspan: g.figures.length }, of) : null,
      i === 0 ? h("td", { rowspan: g.figures.length }, label(g.measure),
        g.conflict ? [h("br"), h("span", { class: "flag", title: `values given: ${(g.values || []).join(", ")}` },
          `sources differ: ${(g.values || []).map((v) => v.toLocaleString("en")).join(" / ")}`)] : null) : null,
      h("td", { class: "num" }, f.text ?? (f.value ?? "")),
      h("td", {}, label(f.qualifier)),
      h("td", {}, f.by),
      h("td", { class: "date" }, f.date || "–"),
      h("td", {}, f.quote ? `“${f.quote}”` : null, f.note ? h("div", { class: "muted small" }, f.note) : null),
      h("td", {}, sources(f.sources))));
  return rows;
}

export function forceSection(force) {
  if (!force) return h("p", { class: "muted" }, "No force was deployed or recorded in this case.");
  const conflicts = (force.figures || []).filter((g) => g.conflict).length;
  return h("div", {},
    h("p", {}, h("strong", {}, force.name), ". Commander: ", force.commander || "–", ". Headquarters: ", force.headquarters || "–", ".",
      force.sources && force.sources.length ? [" ", sources(force.sources)] : null),
    h("h3", {}, "Contingents"),
    table(["State", "Units (as reported)", "Sources"],
      (force.contingents || []).map((k) => [h("strong", {}, k.state),
        k.units && k.units.length ? h("ul", {}, k.units.map((u) => h("li", {}, u))) : h("span", { class: "muted" }, "not reported"),
        sources(k.sources)]),
      { id: "contingents" }),
    h("h3", {}, "Figures"),
    h("p", { class: "small" }, "Every figure is given with who gave it and its sources. Figures are not merged: ",
      conflicts ? h("span", { class: "flag" }, `${conflicts} measure${conflicts === 1 ? "" : "s"} where sources differ`) : "no measure where sources differ", "."),
    h("div", { class: "table-wrap" },
      h("table", { id: "figures" },
        h("thead", {}, h("tr", {}, ["Of", "Measure", "Figure", "Qualifier", "By", "Date", "Quote / note", "Sources"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, (force.figures || []).flatMap(figureGroup)))));
}

function released(rel) {
  if (!rel) return null;
  return h("div", {},
    h("h3", {}, "Host personnel released: computed beside reported"),
    h("div", { class: "table-wrap" },
      h("table", { id: "released" },
        h("thead", {}, h("tr", {}, ["Facility", "Category", "24-hour posts", "People"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {},
          (rel.lines || []).map((ln) => h("tr", {}, h("td", {}, ln.facility), h("td", {}, label(ln.category)),
            h("td", { class: "num" }, ln.posts), h("td", { class: "num" }, ln.people))),
          h("tr", {}, h("th", { colspan: 3 }, "Computed (casus's planning defaults)"), h("th", { class: "num" }, rel.computed)),
          (rel.reported || []).map((r) => h("tr", {}, h("th", { colspan: 3 }, `Reported by ${r.by}${r.date ? ` (${r.date})` : ""}`),
            h("th", { class: "num" }, r.text ?? r.value)))))),
    h("p", {}, rel.explanation));
}

export function mandateSection(mandate) {
  if (!mandate) return h("p", { class: "muted" }, "No mandate was recorded in this case.");
  return h("div", {},
    h("h3", {}, "Tasks, as stated by each speaker"),
    h("ul", { class: "tasks" }, (mandate.tasks || []).map((t) => h("li", {}, t.text, " ",
      h("span", { class: "muted small" }, "(", t.by, t.date ? `, ${t.date}` : "", ") "), sources(t.sources)))),
    h("h3", {}, "Facilities (by name and category, as reported)"),
    h("p", { class: "muted small" }, "casus records facilities by name and category only: no coordinates of real infrastructure."),
    table(["Facility", "Category", "Contingent", "Tasks", "Sources"],
      (mandate.facilities || []).map((f) => [h("strong", {}, f.name), label(f.category),
        joined(f.contingents || []), f.tasks || "", sources(f.sources)]),
      { id: "facilities" }),
    (mandate.counts || []).length ? h("h3", {}, "Counts reported") : null,
    (mandate.counts || []).map((n) => h("p", {}, `Reported ${label(n.what)}: `, h("strong", {}, n.value ?? n.text),
      ` by ${n.by}`, n.date ? ` (${n.date})` : "", n.quote ? `: “${n.quote}” ` : " ", sources(n.sources))),
    released(mandate.host_personnel_released),
    (mandate.planning_assumptions || []).map(assumption));
}
