// The members of an organization on a date, drawn on Natural Earth's 1:110m country outlines
// (vendored `world-atlas`; feature ids are ISO 3166-1 numeric codes) and listed in a table, which
// is also the map's text alternative. Everything is served by this casus server.

import { feature } from "../vendor/topojson-client/index.js";
import { geoCentroid, geoGraticule10, geoNaturalEarth1, geoPath } from "../vendor/d3-geo/d3-geo.min.mjs";
import { getMembers } from "./api.js";
import { fill, h, label, message } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 960;
const PAD = 28;
const MIN_HEIGHT = 320;
const MAX_HEIGHT = 540;

export const STATUSES = [
  { id: "member", text: "member" },
  { id: "suspended", text: "suspended" },
  { id: "participation_frozen", text: "participation frozen (contested)" },
  { id: "withdrawn", text: "withdrawn" },
];

let countriesPromise = null;

/** The country outlines, fetched once per page. */
function countries() {
  countriesPromise ??= fetch("/static/vendor/world-atlas/countries-110m.json")
    .then((r) => {
      if (!r.ok) throw new Error(`the outlines answered HTTP ${r.status}`);
      return r.json();
    })
    .then((topology) => feature(topology, topology.objects.countries).features);
  return countriesPromise;
}

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** An ISO 3166-1 numeric code as world-atlas spells it: three digits, zero-padded. */
export function numeric(code) {
  if (code === null || code === undefined || code === "") return null;
  return String(code).padStart(3, "0");
}

/** The API's members document, whatever the exact field names (see docs/reference/api.md). */
function normalize(doc) {
  const list = Array.isArray(doc) ? doc : doc.members || [];
  return list.map((m) => ({
    state: m.state ?? m.alpha2 ?? m.code,
    name: m.name ?? m.state_name ?? m.state,
    numeric: numeric(m.iso_numeric ?? m.numeric ?? m.iso_n3 ?? m.iso3166_numeric),
    status: m.status,
    since: m.since ?? m.date ?? m.event?.date ?? null,
    contested: m.contested ?? null,
    what: m.what ?? m.event?.what ?? null,
  }));
}

function hatchPattern() {
  return s("defs", {},
    s("pattern", { id: "hatch-frozen", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      s("rect", { width: 6, height: 6, class: "hatch-a" }),
      s("rect", { width: 3, height: 6, class: "hatch-b" })));
}

function drawSvg(features, members, caption) {
  const byCode = new Map(members.filter((m) => m.numeric).map((m) => [m.numeric, m]));
  const drawn = features.filter((f) => byCode.has(numeric(f.id)));
  const projection = geoNaturalEarth1();
  const target = drawn.length ? { type: "FeatureCollection", features: drawn } : { type: "Sphere" };
  if (drawn.length) projection.rotate([-geoCentroid(target)[0], 0]);
  // Fit the members to the width, then let the height follow their extent (within bounds), so
  // a wide organization is not lost in a tall box of ocean.
  projection.fitWidth(WIDTH - 2 * PAD, target);
  const path = geoPath(projection);
  const [[, y0], [, y1]] = path.bounds(target);
  let height = Math.round(y1 - y0 + 2 * PAD);
  if (height > MAX_HEIGHT || height < MIN_HEIGHT) {
    height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, height));
    projection.fitExtent([[PAD, PAD], [WIDTH - PAD, height - PAD]], target);
  } else {
    const [tx, ty] = projection.translate();
    projection.translate([tx + PAD, ty - y0 + PAD]);
  }

  const svg = s("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": caption, class: "members-map" },
    hatchPattern(),
    s("path", { class: "sphere", d: path({ type: "Sphere" }) }),
    s("path", { class: "graticule", d: path(geoGraticule10()) }));
  const base = s("g", { class: "countries" });
  const top = s("g", { class: "members" });
  for (const f of features) {
    const d = path(f);
    if (!d) continue;
    const m = byCode.get(numeric(f.id));
    const name = f.properties?.name || "";
    const el = s("path", { d, class: m ? `country has-status st-${m.status}` : "country", "data-iso": numeric(f.id) },
      s("title", {}, m ? `${m.name || name}: ${label(m.status)}${m.since ? ` since ${m.since}` : ""}` : name));
    (m ? top : base).append(el);
  }
  svg.append(base, top);
  return { svg, drawnCodes: new Set(drawn.map((f) => numeric(f.id))) };
}

function legend(members) {
  const count = (id) => members.filter((m) => m.status === id).length;
  return h("ul", { class: "legend", "aria-label": "Legend" },
    STATUSES.map((st) => h("li", { dataset: { status: st.id } },
      h("span", { class: `swatch st-${st.id}`, "aria-hidden": "true" }), `${st.text}: ${count(st.id)}`)),
    h("li", {}, h("span", { class: "swatch st-none", "aria-hidden": "true" }), "not a member"));
}

function membersTable(members, drawnCodes) {
  return h("div", { class: "table-wrap" },
    h("table", { class: "members-table" },
      h("caption", { class: "muted small" }, "Status of each state on the date (the map's data)"),
      h("thead", {}, h("tr", {}, ["State", "Status", "Since", "Note"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, members.map((m) => h("tr", { dataset: { state: m.state, status: m.status } },
        h("td", {}, m.name && m.name !== m.state ? `${m.name} (${m.state})` : m.state),
        h("td", {}, h("span", { class: `swatch st-${m.status}`, "aria-hidden": "true" }), " ", label(m.status)),
        h("td", { class: "date" }, m.since || "–"),
        h("td", { class: "small" },
          m.contested ? h("span", {}, h("span", { class: "flag" }, "contested"), " ", m.contested) : null,
          m.numeric && !drawnCodes.has(m.numeric) ? h("div", { class: "muted" }, "Too small for the 1:110m outlines: not drawn.") : null))))));
}

/**
 * A map component in `container`. `show(org, date)` fetches the members on the date and redraws;
 * it resolves when the map is drawn (container gets data-ready="org@date").
 */
export function membersMap(container) {
  let seq = 0;
  async function show(org, date) {
    const mine = ++seq;
    container.removeAttribute("data-ready");
    container.setAttribute("aria-busy", "true");
    try {
      const [features, doc] = await Promise.all([countries(), getMembers(org, date)]);
      if (mine !== seq) return; // a later date was chosen meanwhile
      const everyone = normalize(doc);
      // The API lists every state that has ever been a member; one that has not joined yet by
      // the date is not shown as one.
      const members = everyone.filter((m) => m.status !== "not_yet_member");
      const later = everyone.filter((m) => m.status === "not_yet_member");
      const orgName = doc.organization?.name || doc.organization_name || org.toUpperCase();
      const caption = `${orgName}: members by status on ${date}`;
      const { svg, drawnCodes } = drawSvg(features, members, caption);
      fill(container,
        h("figure", { class: "map-figure" }, svg,
          h("figcaption", {}, caption, ". Outlines: Natural Earth 1:110m (world-atlas), served by this server.")),
        legend(members),
        members.length ? membersTable(members, drawnCodes) : message("info", `No state was a member of ${orgName} on ${date}.`),
        later.length ? h("p", { class: "muted small" }, `Not yet members on ${date}: `, later.map((m) => m.name || m.state).join(", "), ".") : null);
      container.dataset.ready = `${org}@${date}`;
    } catch (err) {
      if (mine !== seq) return;
      fill(container, message("error", `Could not draw the map: ${err.message}`));
      container.dataset.ready = `error@${date}`;
    } finally {
      if (mine === seq) container.removeAttribute("aria-busy");
    }
  }
  return { show };
}
