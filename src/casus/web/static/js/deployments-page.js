// Deployments at a government's request, side by side (/deployments): the rows of
// `casus deployments` from /api/cases/deployments, one per case with a request for a force —
// who asked and in what capacity, the legal basis invoked, the deciding organ and its rule, the
// treaty's and general international law's outcomes under each reading beside the recorded
// decision, the consent questions and how each reading answers them, the force and its tasks,
// the duration, the conclusions stated (each its author's claim) and the citations. Nothing is
// computed here: every cell is the row as the engine gave it.

import { DEPLOYMENTS_CSV, listDeployments } from "./api.js";
import { fill, h, joined, label, message } from "./dom.js";
import { value } from "./values.js";

const main = document.getElementById("main");

const COLUMNS = ["Case", "Who asked", "Legal basis invoked", "Deciding organ and rule", "Under the treaty",
  "Recorded decision", "Under general international law", "Consent questions", "Force and tasks", "Duration",
  "Stated about its lawfulness", "Citations"];

function perReading(row, values, show) {
  const entries = Object.entries(values || {});
  if (!entries.length) return h("span", { class: "muted" }, "not put to it");
  const distinct = [...new Set(entries.map(([, v]) => v))];
  if (distinct.length === 1) return h("ul", { class: "plain" }, h("li", {}, show(distinct[0]), h("span", { class: "muted small" }, " under every reading")));
  return h("ul", { class: "plain" }, entries.map(([rid, v]) =>
    h("li", {}, h("span", { class: "muted small" }, `${row.readings?.[rid] || rid}: `), show(v))));
}

function consent(row) {
  const questions = Object.entries(row.consent || {});
  if (!questions.length) return h("span", { class: "muted" }, "no consent question put");
  return h("ul", { class: "plain" }, questions.map(([q, values]) => {
    const distinct = [...new Set(Object.values(values))];
    return h("li", { dataset: { question: q } }, h("span", { title: q }, label(q)), ": ",
      distinct.length === 1 ? [value(distinct[0]), h("span", { class: "muted small" }, " under every reading")]
        : joined(Object.entries(values).map(([rid, v]) => [h("span", { class: "muted small" }, `${row.readings?.[rid] || rid} `), value(v)]), "; "));
  }));
}

function force(row) {
  const f = row.force || {};
  return [
    f.name ? h("strong", {}, f.name) : h("span", { class: "muted" }, "no force recorded"),
    f.contingents?.length ? h("div", { class: "small" }, "Contingents: ", f.contingents.join(", ")) : null,
    (f.figures || []).length ? h("ul", { class: "small" }, f.figures.map((g) =>
      h("li", {}, label(g.measure), g.contingent ? ` (${g.contingent})` : "", ": ", g.reported.join(" | "),
        g.sources_differ ? [" ", h("span", { class: "flag" }, "sources differ")] : null))) : null,
    (row.tasks || []).length ? h("details", {}, h("summary", { class: "small" }, `Tasks as stated (${row.tasks.length})`),
      h("ul", { class: "small" }, row.tasks.map((t) => h("li", {}, `“${t}”`)))) : null,
  ];
}

function citations(row) {
  const cites = row.cites || [];
  return h("details", {}, h("summary", { class: "small" }, `${cites.length} citations`),
    h("ul", { class: "small" }, cites.map((c) => h("li", {}, h("code", {}, c)))));
}

function deploymentRow(r) {
  const who = r.requested_by || {};
  const cells = [
    [h("a", { href: `/cases/${encodeURIComponent(r.case)}` }, r.title), h("div", { class: "muted small" },
      h("code", {}, r.case), " · ", String(r.organization).toUpperCase(), " · request ", h("code", {}, r.request))],
    [who.person || who.state, h("div", { class: "small" }, `${label(who.office)} of ${who.state}`), h("div", { class: "muted small" }, r.date)],
    r.legal_basis?.length ? h("ul", { class: "plain" }, r.legal_basis.map((b) => h("li", {}, h("code", {}, b))))
      : h("span", { class: "muted" }, "none cited"),
    [r.organ || "–", r.rule ? h("div", { class: "muted small" }, r.rule) : null],
    perReading(r, r.treaty, (v) => label(v)),
    r.recorded ? label(r.recorded) : "–",
    r.frame ? perReading(r, r.frame, (v) => label(v)) : h("span", { class: "muted" }, "not put to it"),
    consent(r),
    force(r),
    [r.start || "–", " to ", r.end || "open"],
    (r.stated || []).length ? h("ul", { class: "small" }, r.stated.map((s) => h("li", {}, h("strong", {}, s.by_name), ": ", s.value,
      s.quote ? `, “${s.quote}”` : "", s.status ? h("span", { class: "muted" }, ` (${s.status})`) : null)))
      : h("span", { class: "muted" }, "none recorded"),
    citations(r),
  ];
  return h("tr", { dataset: { case: r.case } }, cells.map((c, i) => h("td", { class: i === 0 ? "case-cell" : null }, c)));
}

function render(rows) {
  fill(main,
    h("h1", {}, "Deployments at a government's request, side by side"),
    h("p", { class: "lede" },
      "Each row is one case's request for a force, evaluated under its treaty and, by the same engine, under general international law ",
      "(consent, ILC Art. 20; collective self-defence, UN Charter Art. 51), under each reading of the facts. Every conclusion about ",
      "lawfulness stated by a side or a scholar is their claim. The same table as ", h("code", {}, "casus deployments"), "."),
    h("p", { class: "controls" },
      h("a", { class: "button", id: "deployments-csv", href: DEPLOYMENTS_CSV, download: "casus-deployments.csv" }, "Download as CSV"),
      h("span", { class: "muted", role: "status" }, `${rows.length} deployments`)),
    h("div", { class: "table-wrap" },
      h("table", { id: "deployments" },
        h("thead", {}, h("tr", {}, COLUMNS.map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, rows.map(deploymentRow)))));
  main.dataset.ready = "deployments";
}

listDeployments()
  .then(render)
  .catch((err) => fill(main, h("h1", {}, "Deployments side by side"), message("error", `Could not load the deployments: ${err.message}`)));
