// The claims table with its filter by reading. A reading says whose claims count (some actors,
// some kinds of actor, or everyone); refuted claims never count. This mirrors
// casus.law.claims.counts_under, from the `actors` and `actor_kinds` of each reading.

import { fill, h, label } from "./dom.js";
import { anchor, sources } from "./values.js";

/** Whether the document says whose claims each reading counts (keys present, even if null). */
export function readingsAreExplicit(readings) {
  return readings.length > 0 && readings.every((r) => "actors" in r || "actor_kinds" in r);
}

export function countsUnder(reading, actor, claim) {
  if (claim.status === "refuted") return false;
  if (!actor) return true; // a stipulated fact, or an actor the document does not list
  const actors = reading.actors ?? null;
  const kinds = reading.actor_kinds ?? null;
  if (actors !== null && actors.includes(actor.id)) return true;
  if (kinds !== null && kinds.includes(actor.kind)) return true;
  return actors === null && kinds === null;
}

function claimRow(c, actor) {
  return h("tr", { id: anchor("claim", c.id), dataset: { claim: c.id, proposition: c.proposition } },
    h("td", {}, h("code", {}, c.proposition)),
    h("td", {}, c.value),
    h("td", {}, c.by_name || c.by, actor ? h("div", { class: "muted small" }, label(actor.kind), actor.state ? ` · ${actor.state}` : "") : null),
    h("td", { class: "date" }, c.date || "–"),
    h("td", {}, h("span", { class: `badge status-${c.status}` }, c.status)),
    h("td", {}, c.quote ? `“${c.quote}”` : null, c.note ? h("div", { class: "muted small" }, c.note) : null),
    h("td", {}, sources(c.sources)));
}

/**
 * The claims section: a reading filter (radio buttons), a proposition filter and the table.
 * Returns {element, showAll} where showAll() clears the filters (used when a link points at a
 * claim that the current filter hides).
 */
export function claimsSection(doc) {
  const readings = doc.readings || [];
  const actors = new Map((doc.actors || []).map((a) => [a.id, a]));
  const claims = [...(doc.claims || [])].sort((a, b) => a.proposition.localeCompare(b.proposition) || a.id.localeCompare(b.id));
  const explicit = readingsAreExplicit(readings);
  const rows = claims.map((c) => ({ claim: c, tr: claimRow(c, actors.get(c.by)) }));
  const status = h("p", { class: "muted small", role: "status", "aria-live": "polite" });

  const radios = [{ id: "", label: "Every claim (no filter)" }, ...readings].map((r) => {
    const input = h("input", { type: "radio", name: "reading", value: r.id, id: `reading-${r.id || "none"}`, disabled: !explicit && r.id !== "" });
    if (r.id === "") input.checked = true;
    return h("label", { for: input.id, title: r.description || null }, input, " ", r.label,
      r.id && r.id === doc.default_reading ? h("span", { class: "muted" }, " (the case's default)") : null);
  });
  const fieldset = h("fieldset", { class: "reading-filter" },
    h("legend", {}, "Whose claims count: filter by reading"), radios);

  const propositions = [...new Set(claims.map((c) => c.proposition))];
  const propSelect = h("select", { id: "proposition-filter" },
    h("option", { value: "" }, "every proposition"),
    propositions.map((p) => h("option", { value: p }, p)));

  const description = h("p", { class: "small" });

  function apply() {
    const rid = fieldset.querySelector("input[name=reading]:checked")?.value || "";
    const reading = readings.find((r) => r.id === rid) || null;
    const prop = propSelect.value;
    let shown = 0;
    for (const { claim, tr } of rows) {
      const counts = reading ? countsUnder(reading, actors.get(claim.by), claim) : true;
      tr.hidden = !counts || (prop !== "" && claim.proposition !== prop);
      if (!tr.hidden) shown += 1;
    }
    fill(description, reading ? [h("strong", {}, reading.label), ": ", reading.description] :
      "Every claim of the case, whoever made it. Choose a reading to see only the claims that count under it (refuted claims never count).");
    status.textContent = `${shown} of ${claims.length} claims shown`;
  }
  fieldset.addEventListener("change", apply);
  propSelect.addEventListener("change", apply);

  const table = h("table", { id: "claims-table" },
    h("thead", {}, h("tr", {}, ["Proposition", "Value", "By", "Date", "Status", "Quote", "Sources"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.map((r) => r.tr)));

  const element = h("div", {},
    h("p", { class: "muted" }, "Every claim is somebody's, with sources and a status. A reading decides whose claims count; under it a proposition is yes or no when the claims that count agree, contested when they disagree, undetermined when none speaks to it."),
    fieldset,
    explicit ? null : h("p", { class: "msg msg-info" }, "This case document does not say whose claims each reading counts, so the claims cannot be filtered by reading here; the descriptions above say it in words."),
    h("div", { class: "controls" }, h("label", { for: "proposition-filter" }, "Proposition"), propSelect),
    description, status,
    h("div", { class: "table-wrap" }, table));
  apply();

  function showAll() {
    fieldset.querySelector("input[value='']").checked = true;
    propSelect.value = "";
    apply();
  }
  return { element, showAll };
}
