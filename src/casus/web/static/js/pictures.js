// The pictures of a replay (timeline, vote boards, force chart), drawn from what
// /api/cases/{id}/pictures sends: the same marks the HTML report writes as inline SVG
// (casus.report.pictures lays them out; nothing is laid out here). Each mark becomes one SVG
// element made with createElementNS, its text and its <title> (what it stands for, with its
// sources) set as text: no markup is ever parsed from data.

import { h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
// The only elements a picture uses (casus.report.pictures.TAGS); any other mark is dropped.
const TAGS = new Set(["rect", "circle", "line", "text", "path"]);
// Geometry and presentation attributes only, by name: never an event handler, a link, a style
// or anything else a mark might carry.
const ATTRIBUTES = new Set([
  "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "d",
  "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "opacity",
  "font-size", "font-family", "font-weight", "font-style", "text-anchor", "dominant-baseline",
]);
// Names of the svg element itself, set here (not from data).
const OWN = new Set(["width", "height", "viewBox", "role", "aria-label"]);

function svg(tag, attrs = {}, allowed = ATTRIBUTES) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (allowed.has(name) && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  return el;
}

function titled(el, text) {
  if (text) {
    const t = svg("title");
    t.textContent = text;
    el.append(t);
  }
  return el;
}

function markElement(m) {
  const el = titled(svg(m.tag, m.attrs || {}), m.title);
  for (const [k, v] of Object.entries(m.data || {})) {
    // data-… names what the mark stands for (data-mark, data-state…); a data attribute runs nothing.
    if (/^[a-z][a-z0-9-]*$/.test(k)) el.setAttribute(`data-${k}`, String(v));
  }
  if (m.text) el.append(document.createTextNode(m.text));
  return el;
}

/** A picture as a <figure> with its SVG and a caption. */
export function picture(p) {
  const drawing = titled(svg("svg", {
    width: p.width, height: p.height, viewBox: `0 0 ${Number(p.width)} ${Number(p.height)}`, role: "img", "aria-label": p.label,
  }, OWN), p.label);
  drawing.dataset.picture = p.id;
  for (const m of p.marks || []) if (TAGS.has(m.tag)) drawing.append(markElement(m));
  return h("figure", { class: "picture", id: `picture-${p.id}` },
    h("div", { class: "picture-wrap" }, drawing),
    h("figcaption", {}, p.label, ". Hover a mark for what it stands for and its sources."));
}
