// Small renderers shared by the pages: truth values, citations, source links.

import { h, joined, label } from "./dom.js";

const VALUES = new Set(["yes", "no", "contested", "undetermined"]);

/** A four-valued truth value as a coloured badge (the same colours as the HTML report). */
export function value(v) {
  const known = VALUES.has(v) ? v : "undetermined";
  return h("span", { class: `v v-${known}`, title: VALUE_HELP[known] }, v ?? "undetermined");
}

const VALUE_HELP = {
  yes: "holds under the reading",
  no: "does not hold",
  contested: "the claims that count under the reading disagree",
  undetermined: "nothing counts: no claim, no recorded position, or no rule in force",
};

/** Fragment ids used for anchors; ids in the data are slugs, but keep them safe anyway. */
export const anchor = (kind, id) => `${kind}-${String(id).replace(/[^A-Za-z0-9_.:-]/g, "_")}`;

/** Links to the sources list: "a, b, c". */
export function sources(ids = []) {
  return h("span", { class: "src" },
    joined((ids || []).map((id) => h("a", { href: `#${anchor("src", id)}` }, id))));
}

/**
 * One citation of an explanation: `claim:ID` links to the claims table, `source:ID` to the
 * sources, a provision (`instrument/eid@version-date`) is shown as code with its heading if known.
 */
export function citation(cite, provisions = new Map()) {
  if (cite.startsWith("claim:")) {
    const id = cite.slice(6);
    return h("a", { href: `#${anchor("claim", id)}`, class: "cite-claim" }, cite);
  }
  if (cite.startsWith("source:")) {
    const id = cite.slice(7);
    return h("a", { href: `#${anchor("src", id)}`, class: "cite-source" }, cite);
  }
  return h("code", { class: "cite-provision", title: provisions.get(cite) || null }, cite);
}

export function citations(cites = [], provisions = new Map()) {
  if (!cites || !cites.length) return null;
  return h("span", { class: "cites" }, " [", joined(cites.map((c) => citation(c, provisions)), "; "), "]");
}

/** A table with a header row; `rows` are arrays of cells (nodes or text). */
export function table(headers, rows, { caption, ...attrs } = {}) {
  return h("div", { class: "table-wrap" },
    h("table", attrs,
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.map((cells) => (cells instanceof Node ? cells : h("tr", {}, cells.map((c) => h("td", {}, c))))))));
}

export function assumption(a) {
  return h("div", { class: "assumption" },
    h("strong", {}, a.label), " ", h("code", {}, a.id), a.where ? ` (${a.where})` : "", ": ", a.text,
    a.sources && a.sources.length ? [" ", sources(a.sources)] : null);
}

export { label };
