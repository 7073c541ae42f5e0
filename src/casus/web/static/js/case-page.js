// The case page (/cases/{id}): the replay document of one case (docs/reference/json.md), shown
// as the HTML report shows it, with the explanation expandable, the claims filterable by
// reading and the members' map on the request's date.

import { getCase } from "./api.js";
import { externalLink, fill, h, message } from "./dom.js";
import { claimsSection } from "./claims.js";
import { forceSection, mandateSection } from "./force.js";
import { membersMap } from "./map.js";
import { requestSection } from "./request.js";
import { anchor, assumption, sources, table } from "./values.js";

const main = document.getElementById("main");
const caseId = decodeURIComponent(location.pathname.replace(/^\/cases\//, "").replace(/\/$/, ""));

function section(id, title, ...content) {
  return h("section", { id, "aria-labelledby": `${id}-h` }, h("h2", { id: `${id}-h` }, title), content);
}

function timeline(doc) {
  const requestDates = new Set((doc.requests || []).map((r) => r.date));
  return h("ol", { class: "timeline" }, (doc.timeline || []).map((e) =>
    h("li", { class: requestDates.has(e.date) ? "request" : null },
      h("time", { datetime: e.date }, e.end ? `${e.date} to ${e.end}` : e.date),
      e.event, " ", sources(e.sources))));
}

function mapSection(doc) {
  const org = doc.organization?.id;
  const first = (doc.requests || [])[0]?.date || (doc.timeline || [])[0]?.date;
  const dateInput = h("input", { type: "date", id: "case-map-date", value: first || "" });
  const box = h("div", { id: "case-map", "aria-live": "polite" });
  const map = membersMap(box);
  dateInput.addEventListener("change", () => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(dateInput.value)) map.show(org, dateInput.value);
  });
  if (org && first) map.show(org, first);
  return h("div", {},
    h("div", { class: "controls" },
      h("label", { for: "case-map-date" }, "Members of ", doc.organization?.name || org, " on"), dateInput,
      h("a", { href: `/map?org=${encodeURIComponent(org)}&date=${first}` }, "Open the map on its own page")),
    box);
}

function phases(doc) {
  if (!doc.phases || !doc.phases.length) return h("p", { class: "muted" }, "No phases recorded.");
  return table(["Phase", "From", "To", "Summary", "Sources"],
    doc.phases.map((p) => [h("strong", {}, p.name), p.start, p.end || "–", p.summary, sources(p.sources)]));
}

function sourcesList(doc) {
  return h("ol", { class: "sources small" }, Object.entries(doc.sources || {}).map(([id, s]) =>
    h("li", { id: anchor("src", id) },
      h("code", {}, id), ": ", s.title, ". ", s.publisher || "", s.date ? `, ${s.date}` : "", ". ",
      s.kind ? h("span", { class: "badge" }, s.kind) : null, " ",
      s.url ? externalLink(s.url, s.url) : null)));
}

/** Follow a #claim-… link even when the reading filter hides the row or a <details> hides it. */
function followHash(claims) {
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id) return;
  const target = document.getElementById(id);
  if (!target) return;
  if (target.hidden) claims.showAll();
  for (let p = target.parentElement; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
  target.scrollIntoView({ block: "center" });
}

function render(doc) {
  document.title = `casus: ${doc.title}`;
  const claims = claimsSection(doc);
  const toc = [["timeline", "Timeline"], ["requests", "Request and evaluation"], ["map", "Map"], ["claims", "Claims"],
    ["force", "Force"], ["mandate", "Mandate"], ["phases", "Phases"], ["assumptions", "Assumptions"], ["sources", "Sources"]];
  fill(main,
    h("header", {},
      h("p", { class: "muted small" }, h("a", { href: "/" }, "Cases"), " › ", doc.case),
      h("h1", {}, doc.title),
      h("p", { class: "muted" }, doc.organization?.name, " · case ", h("code", {}, doc.case),
        doc.hypothetical ? " · hypothetical" : ""),
      h("p", { class: "lede" }, doc.summary),
      h("p", { class: "small" }, h("a", { href: `/exercises?case=${encodeURIComponent(doc.case)}` }, "Run this case as a live exercise"),
        " (facilitators)"),
      h("nav", { class: "toc", "aria-label": "Sections" }, toc.map(([id, t]) => h("a", { href: `#${id}` }, t)))),
    section("timeline", "Timeline", timeline(doc)),
    section("requests", (doc.requests || []).length > 1 ? "Requests and their evaluation" : "The request and its evaluation",
      (doc.requests || []).map((rq) => requestSection(rq))),
    section("map", "Members on the date", mapSection(doc)),
    section("claims", "Claims", claims.element),
    section("force", "Force", forceSection(doc.force)),
    section("mandate", "Mandate", mandateSection(doc.mandate)),
    section("phases", "Phases", phases(doc)),
    section("assumptions", "Assumptions of the case",
      (doc.assumptions || []).length ? doc.assumptions.map(assumption) : h("p", { class: "muted" }, "None.")),
    section("sources", "Sources", sourcesList(doc)),
    h("footer", { class: "muted small" },
      h("p", {}, "Every claim is attributed; values are yes, no, contested (the claims that count disagree) or undetermined (nothing counts). ",
        "The same document as ", h("code", {}, `casus replay ${doc.case} --json`), ".")));
  main.dataset.ready = doc.case;
  window.addEventListener("hashchange", () => followHash(claims));
  followHash(claims);
}

if (!caseId) {
  fill(main, message("error", "No case id in the address."));
} else {
  getCase(caseId)
    .then((doc) => render(doc.replay || doc))
    .catch((err) => fill(main, h("h1", {}, `Case ${caseId}`),
      message("error", err.status === 404 ? `There is no case “${caseId}”.` : `Could not load the case: ${err.message}`),
      h("p", {}, h("a", { href: "/" }, "All cases"))));
}
