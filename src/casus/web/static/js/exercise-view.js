// The live exercise (/exercises/{id}): the request(s) with the engine's evaluation and
// explanation, the positions board, and what the viewer may do (a delegation: file a request,
// cast or change its position; the facilitator: invite, advance the clock, close, end).
// Server-sent events keep every open page current without a reload.

import { eventsUrl, getCase, getExercise } from "./api.js";
import { fill, h, label, message } from "./dom.js";
import { positionsBoard } from "./board.js";
import { delegationPanel } from "./exercise-forms.js";
import { facilitatorPanel } from "./facilitator.js";
import { accountBar } from "./session.js";
import { explanationTree } from "./tree.js";
import { citations, value } from "./values.js";

/** Rebuild `box` with `build()`, keeping open the <details> that were open (by position). */
function keepingOpen(box, build) {
  const open = [...box.querySelectorAll("details")].map((d) => d.open);
  fill(box, build());
  const now = box.querySelectorAll("details");
  if (now.length === open.length) now.forEach((d, i) => { d.open = open[i]; });
}

function outcomeLine(ev) {
  const o = ev.outcome || {};
  return h("div", { class: "outcome" },
    h("div", { class: "computed" }, h("span", { class: "k" }, `Outcome computed now (${ev.readings?.[o.reading] || o.reading})`),
      h("span", { class: "big" }, value(o.value), " ", label(o.computed)),
      h("div", { class: "muted small" }, "requester entitled: ", value(ev.entitled), " · basis: ", o.basis)),
    h("div", {}, h("span", { class: "k" }, "Vote"),
      ev.vote ? [value(ev.vote.value), " ", label(ev.vote.outcome), h("div", { class: "small" }, ev.vote.reason)] : "no deciding organ"),
    h("div", {}, h("span", { class: "k" }, "Under each reading"),
      Object.entries(o.by_reading || {}).map(([rid, out]) =>
        h("div", { class: "small" }, ev.readings?.[rid] || rid, ": ", value(out.value), " ", label(out.computed)))));
}

function requestDetail(rq, sourceCase) {
  const ev = rq.evaluation || {};
  const claimHref = (g) => (sourceCase ? `/cases/${encodeURIComponent(sourceCase)}#claim-${g}` : null);
  const provisions = new Map((ev.triggered || []).map((t) => [t.provision, t.heading]));
  return h("article", { class: "card exercise-request", id: `request-${rq.id}`, dataset: { status: rq.status } },
    h("h3", {}, `Request ${rq.id}: ${rq.person} (${label(rq.office)} of ${rq.state}), ${rq.date}`),
    h("p", { class: "small" }, "Provisions cited: ", rq.provisions_cited?.length ? rq.provisions_cited.join(", ") : "none (every provision with a casus)",
      rq.affected_state && rq.affected_state !== rq.state ? ` · affected state: ${rq.affected_state}` : ""),
    rq.grounds?.length ? h("p", { class: "small" }, "Grounds: ",
      rq.grounds.map((g, i) => [i ? ", " : "", claimHref(g) ? h("a", { href: claimHref(g) }, g) : g])) : null,
    rq.quote ? h("blockquote", {}, `“${rq.quote}”`) : null,
    rq.note ? h("p", { class: "small" }, h("strong", {}, "Private note: "), rq.note) : null,
    rq.closed ? h("p", { class: "msg msg-ok" }, "Decision closed: ", value(rq.closed.value), " ", label(rq.closed.outcome)) : null,
    outcomeLine(ev),
    h("h4", {}, "Explanation"),
    ev.explanation ? explanationTree(ev.explanation, provisions, { id: `tree-${rq.id}` }) : h("p", { class: "muted" }, "No explanation yet."),
    (ev.not_in_force || []).length ? h("p", { class: "small" }, "Not in force: ", ev.not_in_force.map((n) => `${n.provision} (${n.reason})`).join("; ")) : null,
    ev.rule ? h("p", { class: "small muted" }, "Rule: ", ev.rule.text, citations(ev.rule.cites, provisions)) : null);
}

function participants(x) {
  if (!x.participants.length) return h("p", { class: "muted small" }, "No one invited yet.");
  return h("ul", { class: "small", id: "participants-list" }, x.participants.map((p) =>
    h("li", { dataset: { account: p.account } }, p.name, " ",
      h("span", { class: "muted" }, p.role === "delegation" ? `(delegation of ${p.state})` : `(${p.role})`))));
}

export async function exerciseView(main, id, session, restart) {
  let x;
  try {
    x = await getExercise(id, session.token);
  } catch (err) {
    fill(main, h("h1", {}, `Exercise ${id}`), accountBar(session.account, restart),
      message("error", err.status === 404 ? `There is no exercise “${id}”.` : err.message),
      h("p", {}, h("a", { href: "/exercises" }, "All exercises")));
    return;
  }
  const me = session.account;
  const myState = me.role === "delegation" && me.exercise === id ? me.state : null;
  const manages = me.role === "facilitator" && x.created_by === me.author;

  const header = h("div", { id: "exercise-header" });
  const live = h("p", { id: "live", class: "small muted", role: "status" }, "Connecting to live updates…");
  const boardBox = h("div", { id: "board", "aria-live": "polite" });
  const requestsBox = h("div", { id: "requests" });
  const peopleBox = h("div", { id: "participants" });
  const log = h("ol", { class: "log", id: "log", reversed: true });
  const board = positionsBoard(boardBox, myState);
  let boardSeq = -1;
  const drawBoard = (b) => {
    if (!b || b.seq < boardSeq) return;
    boardSeq = b.seq;
    board.draw(b);
  };

  const ctx = { id, token: session.token, account: me, myState, applied: (m) => apply(m), refresh: () => refreshSoon() };
  const panel = manages ? facilitatorPanel(ctx) : myState ? delegationPanel(ctx) : null;
  let sourceDoc = null;
  if (x.source_case && myState) {
    // The case's claims and recorded request give a delegation's request form its defaults.
    getCase(x.source_case).then((doc) => { sourceDoc = doc; panel?.update(x, sourceDoc); }).catch(() => {});
  }

  const signatures = new Map();
  function renderRequests() {
    if (!x.requests.length) {
      fill(requestsBox, h("p", { class: "muted" }, "No request yet. ",
        myState ? "As a delegation you may file one on your state's behalf." : "A delegation files it."));
      signatures.clear();
      return;
    }
    if (!requestsBox.querySelector(".exercise-request")) requestsBox.replaceChildren();
    for (const rq of x.requests) {
      const sig = JSON.stringify([rq.status, rq.positions.map((p) => [p.state, p.position]), rq.evaluation?.outcome?.computed]);
      let box = requestsBox.querySelector(`[data-request-box="${CSS.escape(rq.id)}"]`);
      if (!box) {
        box = h("div", { dataset: { requestBox: rq.id } });
        requestsBox.append(box);
      }
      if (signatures.get(rq.id) !== sig) {
        keepingOpen(box, () => requestDetail(rq, x.source_case));
        signatures.set(rq.id, sig);
      }
    }
  }

  function renderHeader() {
    fill(header,
      h("p", { class: "muted small" }, h("a", { href: "/exercises" }, "Exercises"), " › ", x.id),
      h("h1", {}, x.title),
      h("p", {}, x.organization.name, " · ",
        x.source_case ? ["from case ", h("a", { href: `/cases/${encodeURIComponent(x.source_case)}` }, x.source_case)] : "blank scenario",
        " · date in the exercise: ", h("strong", { id: "clock" }, x.clock), " · ",
        h("span", { class: "pill", id: "exercise-status" }, x.status)),
      accountBar(me, restart));
  }

  function apply(next) {
    if (!next || next.head.seq < x.head.seq) return;
    x = next;
    renderHeader();
    renderRequests();
    fill(peopleBox, participants(x));
    drawBoard(x.board);
    panel?.update(x, sourceDoc);
  }

  let pending = null;
  function refreshSoon() {
    if (pending) return;
    pending = setTimeout(async () => {
      pending = null;
      try {
        apply(await getExercise(id, session.token));
      } catch (err) {
        live.textContent = `Could not refresh: ${err.message}`;
      }
    }, 120);
  }

  fill(main,
    header,
    live,
    h("div", { class: "grid2" },
      h("div", {},
        h("h2", {}, "Positions board"), boardBox,
        h("h2", {}, "The request and the engine's evaluation"), requestsBox),
      h("div", {},
        panel ? panel.element : h("p", { class: "msg msg-info" }, "You are watching this exercise: read-only."),
        h("h2", {}, "Participants"), peopleBox,
        h("h2", {}, "Activity"), log)));
  renderHeader();
  renderRequests();
  fill(peopleBox, participants(x));
  drawBoard(x.board);
  panel?.update(x, sourceDoc);
  main.dataset.ready = id;

  // A stream ticket is good once: on an error the EventSource is closed, not left to reconnect
  // with a spent ticket, and a new one is asked for, resuming after the last event seen.
  let lastSeq = null;
  let stream = null;
  let retry = null;
  let leaving = false;
  const interrupted = (why) => {
    live.textContent = `Live updates interrupted${why ? ` (${why})` : ""}: reconnecting…`;
    live.dataset.live = "retry";
  };
  const reconnectSoon = (ms) => {
    if (!leaving && retry === null) retry = setTimeout(() => { retry = null; connect(); }, ms);
  };
  async function connect() {
    let url;
    try {
      url = await eventsUrl(id, session.token, lastSeq);
    } catch (err) {
      interrupted(err.message);
      reconnectSoon(3000);
      return;
    }
    if (leaving) return;
    stream = new EventSource(url);
    stream.onopen = () => { live.textContent = "● Live: the board updates as delegations act."; live.dataset.live = "open"; };
    stream.onerror = () => {
      stream?.close();
      stream = null;
      interrupted("");
      reconnectSoon(2000);
    };
    stream.onmessage = (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (typeof data.seq === "number") lastSeq = data.seq;
      drawBoard(data.board);
      if (data.type === "snapshot") return;
      log.prepend(h("li", { dataset: { seq: data.seq } },
        h("time", { datetime: data.recorded_at }, (data.recorded_at || "").slice(11, 19)), " ",
        h("strong", {}, `#${data.seq}`), " ", data.summary));
      refreshSoon();
    };
  }
  connect();
  window.addEventListener("pagehide", () => {
    leaving = true;
    if (retry !== null) clearTimeout(retry);
    stream?.close();
  });
}
