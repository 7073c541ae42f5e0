// The positions board of an exercise: per request, every member's current position and the
// outcome the engine computes from them now. Redrawn from each server-sent event's `board`;
// a row whose position changed since the last drawing flashes once.

import { fill, h, label } from "./dom.js";
import { value } from "./values.js";

const POSITIONS = ["support", "object", "abstain", "absent"];

function row(m, mine, changed) {
  const pos = m.position || "none";
  return h("tr", {
    class: [mine ? "mine" : "", changed ? "flash" : ""].join(" ").trim() || null,
    dataset: { state: m.state, position: pos },
  },
  h("th", { scope: "row" }, m.name && m.name !== m.state ? `${m.name} (${m.state})` : m.state, mine ? h("span", { class: "muted" }, " (you)") : null),
  h("td", {}, label(m.status), m.contested ? [" ", h("span", { class: "flag", title: m.contested }, "contested")] : null),
  h("td", { class: `position pos-${pos}` }, m.position ? label(m.position) : "no position yet"),
  h("td", { class: "num" }, m.changes ? `${m.changes}` : "–"));
}

function requestBoard(r, myState, previous) {
  const counts = POSITIONS.filter((p) => r.counts?.[p]).map((p) => `${r.counts[p]} ${p}`);
  const waiting = (r.members || []).filter((m) => !m.position).length;
  const o = r.outcome || {};
  return h("section", { class: "card board", id: `board-${r.request}`, dataset: { request: r.request, status: r.status } },
    h("h3", {}, `Request ${r.request} by ${r.requester}, ${r.date} `,
      h("span", { class: "pill" }, r.status === "open" ? "decision open" : "decision closed")),
    h("p", { class: "board-outcome", "aria-live": "polite" },
      r.closed ? "Decided: " : "Computed now from these positions: ",
      value(o.value), " ", h("strong", { class: "computed" }, label(r.closed ? r.closed.outcome : o.computed)),
      o.vote ? h("span", { class: "muted" }, ` · vote: ${label(o.vote)}`) : null,
      h("span", { class: "muted" }, " · requester entitled: "), value(o.entitled)),
    h("p", { class: "small muted" }, counts.length ? counts.join(", ") : "no positions yet",
      waiting ? ` · waiting for ${waiting}` : ""),
    h("div", { class: "table-wrap" },
      h("table", { class: "positions-board" },
        h("thead", {}, h("tr", {}, ["Member", "Membership", "Position", "Changes"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, (r.members || []).map((m) => {
          const before = previous.get(`${r.request}/${m.state}`);
          return row(m, m.state === myState, before !== undefined && before !== (m.position || null));
        })))));
}

/** A board view in `container`; `draw(board)` redraws it. */
export function positionsBoard(container, myState) {
  let previous = new Map();
  function draw(board) {
    const requests = board?.requests || [];
    fill(container, requests.length
      ? requests.map((r) => requestBoard(r, myState, previous))
      : h("p", { class: "muted", id: "board-empty" }, "No request has been filed yet: the board opens when one is."));
    previous = new Map(requests.flatMap((r) => (r.members || []).map((m) => [`${r.request}/${m.state}`, m.position || null])));
    container.dataset.seq = String(board?.seq ?? 0);
  }
  return { draw };
}
