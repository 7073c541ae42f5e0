// The map page (/map?org=csto&date=YYYY-MM-DD): an organization's members coloured by status on
// the chosen date. The organization and the date are in the URL, so a view can be linked.

import { listOrganizations } from "./api.js";
import { fill, h } from "./dom.js";
import { membersMap } from "./map.js";

const main = document.getElementById("main");
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function today() {
  return new Date().toISOString().slice(0, 10);
}

async function organizations() {
  try {
    const doc = await listOrganizations();
    const list = Array.isArray(doc) ? doc : doc.organizations || [];
    return list.map((o) => ({ id: o.id, name: o.short_name ? `${o.short_name}: ${o.name}` : o.name || o.id }));
  } catch {
    return []; // the select then offers the organization in the URL only
  }
}

async function start() {
  const params = new URLSearchParams(location.search);
  let org = params.get("org") || "csto";
  let date = ISO_DATE.test(params.get("date") || "") ? params.get("date") : today();

  const orgs = await organizations();
  if (!orgs.some((o) => o.id === org)) orgs.unshift({ id: org, name: org.toUpperCase() });
  const orgSelect = h("select", { id: "map-org" }, orgs.map((o) => h("option", { value: o.id }, o.name)));
  orgSelect.value = org;
  const dateInput = h("input", { type: "date", id: "map-date", value: date, required: true });
  const mapBox = h("div", { id: "map", "aria-live": "polite" });
  const map = membersMap(mapBox);

  function update() {
    if (!ISO_DATE.test(dateInput.value)) return;
    org = orgSelect.value;
    date = dateInput.value;
    history.replaceState(null, "", `/map?org=${encodeURIComponent(org)}&date=${date}`);
    document.title = `casus: ${org.toUpperCase()} members on ${date}`;
    map.show(org, date);
  }
  orgSelect.addEventListener("change", update);
  dateInput.addEventListener("change", update);

  fill(main,
    h("h1", {}, "Members on a date"),
    h("p", { class: "lede" }, "Each member state coloured by its status on the chosen date, from the organization's dated, sourced membership events. ",
      "A status holds from its event's date until the next one."),
    h("div", { class: "controls" },
      h("label", { for: "map-org" }, "Organization"), orgSelect,
      h("label", { for: "map-date" }, "Date"), dateInput),
    mapBox);
  update();
}

start();
