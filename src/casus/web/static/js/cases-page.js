// The case list (/): every built-in case with its organization, request dates and recorded
// outcomes, filterable by organization.

import { listCases } from "./api.js";
import { fill, h, joined, label, message } from "./dom.js";

const main = document.getElementById("main");

function caseRow(c) {
  const firstDate = (c.dates || [])[0];
  const mapHref = `/map?org=${encodeURIComponent(c.organization)}${firstDate ? `&date=${firstDate}` : ""}`;
  return h(
    "tr",
    { dataset: { org: c.organization, case: c.id } },
    h("td", {}, h("a", { href: `/cases/${encodeURIComponent(c.id)}` }, c.title),
      c.hypothetical ? [" ", h("span", { class: "badge" }, "hypothetical")] : null),
    h("td", {}, h("code", {}, c.id)),
    h("td", {}, h("a", { href: mapHref, title: `Members of ${c.organization} on ${firstDate}` },
      c.organization.toUpperCase())),
    h("td", { class: "date" }, joined((c.dates || []).map((d) => h("time", { datetime: d }, d)))),
    h("td", {}, joined((c.recorded || []).map((o) => h("span", { class: `badge outcome-${o}` }, label(o))))),
  );
}

function render(cases) {
  const orgs = [...new Set(cases.map((c) => c.organization))].sort();
  const tbody = h("tbody", {}, cases.map(caseRow));
  const count = h("span", { class: "muted", role: "status" }, `${cases.length} cases`);
  const select = h("select", { id: "org-filter" },
    h("option", { value: "" }, "all organizations"),
    orgs.map((o) => h("option", { value: o }, o.toUpperCase())));
  select.addEventListener("change", () => {
    let shown = 0;
    for (const tr of tbody.rows) {
      const show = !select.value || tr.dataset.org === select.value;
      tr.hidden = !show;
      if (show) shown += 1;
    }
    count.textContent = `${shown} of ${cases.length} cases`;
  });

  fill(
    main,
    h("h1", {}, "Cases"),
    h("p", { class: "lede" },
      "Requests made under collective-security treaties, each replayed through the rules in force on its date. ",
      "Every claim is somebody's, with a source and a status; open a case for its timeline, the explanation of its outcome, ",
      "the claims, the force and the mandate. ",
      h("a", { href: "/deployments" }, "The deployments at a government's request, side by side"), "."),
    h("div", { class: "controls" },
      h("label", { for: "org-filter" }, "Organization"), select, count),
    h("div", { class: "table-wrap" },
      h("table", { id: "cases" },
        h("caption", { class: "muted small" }, "Built-in cases (recorded outcome as reported, not as computed)"),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, "Case"), h("th", { scope: "col" }, "Id"),
          h("th", { scope: "col" }, "Organization"), h("th", { scope: "col" }, "Request date(s)"),
          h("th", { scope: "col" }, "Recorded outcome(s)"))),
        tbody)),
  );
}

listCases()
  .then(render)
  .catch((err) => fill(main, h("h1", {}, "Cases"), message("error", `Could not load the cases: ${err.message}`)));
