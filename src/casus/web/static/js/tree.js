// The explanation tree of an evaluation: each node a statement, its value and its citations.
// Nodes with children are <details>/<summary>, so Tab reaches them and Enter or Space opens
// and closes them without any script; leaves are plain list items.

import { h } from "./dom.js";
import { citations, value } from "./values.js";

function node(n, depth, provisions) {
  const line = [value(n.value), " ", h("span", { class: "statement" }, n.statement), citations(n.cites, provisions)];
  if (!n.children || !n.children.length) {
    return h("li", {}, h("div", { class: "leaf" }, line));
  }
  return h("li", {},
    h("details", { open: depth < 2 },
      h("summary", {}, line),
      h("ul", {}, n.children.map((c) => node(c, depth + 1, provisions)))));
}

/** The tree with "expand all" and "collapse all" buttons above it. */
export function explanationTree(root, provisions = new Map(), { id } = {}) {
  const list = h("ul", { class: "tree", id }, node(root, 0, provisions));
  const setAll = (open) => {
    for (const d of list.querySelectorAll("details")) d.open = open;
  };
  return h("div", { class: "explanation" },
    h("div", { class: "tree-tools" },
      h("button", { type: "button", on: { click: () => setAll(true) } }, "Expand all"),
      h("button", { type: "button", on: { click: () => setAll(false) } }, "Collapse all")),
    list);
}

/** Open every <details> around `el`, so a link into a collapsed branch shows its target. */
export function reveal(el) {
  for (let p = el.parentElement; p; p = p.parentElement) {
    if (p.tagName === "DETAILS") p.open = true;
  }
}
