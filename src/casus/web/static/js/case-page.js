// The case page (/cases/{id}): the replay document of one case (docs/reference/json.md), shown
// as the HTML report shows it, with its pictures (the timeline, each vote's board, the force's
// figures per source), the explanation expandable, the claims filterable by reading and the
// members' map on the request's date.

import { getCase, getPictures } from "./api.js";
import { externalLink, fill, h, message } from "./dom.js";
import { claimsSection } from "./claims.js";
import { forceSection, mandateSection } from "./force.js";
import { membersMap } from "./map.js";
import { picture } from "./pictures.js";
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

/**
 * Follow a #… link once the page is drawn: a section lands with its heading at the top of the
 * window (as the static report's links do); a claim's row, shown even when the reading filter
 * or a closed <details> hides it, lands in the middle, where the eye looks for one line.
 */
function followHash(claims) {
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id) return;
  const target = document.getElementById(id);
  if (!target) return;
  if (target.hidden) claims.showAll();
  for (let p = target.parentElement; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
  if (target.tagName === "TR") target.scrollIntoView({ block: "center" });
  else (target.tagName === "SECTION" ? target.querySelector("h2") || target : target).scrollIntoView({ block: "start" });
}

/** The pictures, or a note where they could not be had (the page still shows every table). */
function drawn(pictures, make) {
  if (pictures === null) return h("p", { class: "muted small" }, "The pictures could not be loaded; the tables below say the same.");
  return make(pictures);
}

function render(doc, pictures) {
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
    section("timeline", "Timeline", drawn(pictures, (p) => picture(p.timeline)), timeline(doc)),
    section("requests", (doc.requests || []).length > 1 ? "Requests and their evaluation" : "The request and its evaluation",
      (doc.requests || []).map((rq) => requestSection(rq,
        drawn(pictures, (p) => p.boards.filter((b) => b.request === rq.id).map(picture))))),
    section("map", "Members on the date", mapSection(doc)),
    section("claims", "Claims", claims.element),
    section("force", "Force", doc.force ? drawn(pictures, (p) => (p.force ? picture(p.force) : null)) : null,
      forceSection(doc.force)),
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
  // The pictures come with the document, so that nothing moves once a section link has landed.
  Promise.all([getCase(caseId), getPictures(caseId).catch(() => null)])
    .then(([doc, pictures]) => render(doc.replay || doc, pictures))
    .catch((err) => fill(main, h("h1", {}, `Case ${caseId}`),
      message("error", err.status === 404 ? `There is no case “${caseId}”.` : `Could not load the case: ${err.message}`),
      h("p", {}, h("a", { href: "/" }, "All cases"))));
}
