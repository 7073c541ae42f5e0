// What a delegation does in an exercise, on its own state's behalf only: file a request (the
// engine refuses one the state or office is not entitled to make, with its reasons), and cast
// or change its position on an open decision. Private notes are seen by the delegation and the
// facilitators only.

import { castPosition, fileRequest } from "./api.js";
import { fill, h, label, message } from "./dom.js";

const OFFICES = ["head_of_state", "head_of_government", "minister_for_foreign_affairs", "minister_of_defence",
  "parliament", "permanent_representative", "other"];
const POSITIONS = [
  ["support", "Support"], ["object", "Object"], ["abstain", "Abstain"], ["absent", "Absent (take no part)"],
];

const changes = (p) => p.changes ?? p.history?.length ?? 0;
const splitList = (text) => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);

/** The recorded request of this state in the source case (for defaults), or its first. */
function recordedRequest(sourceDoc, state) {
  const requests = sourceDoc?.requests || [];
  return requests.find((r) => r.requester?.state === state) || null;
}

function requestForm(ctx, sourceDoc, say) {
  const recorded = recordedRequest(sourceDoc, ctx.myState);
  const office = h("select", { id: "rq-office", name: "office" }, OFFICES.map((o) => h("option", { value: o }, label(o))));
  office.value = recorded?.requester?.office || "head_of_state";
  const person = h("input", { type: "text", id: "rq-person", size: 36, maxlength: 200, value: recorded?.requester?.person || ctx.account.name });
  const provisions = h("input", { type: "text", id: "rq-provisions", size: 44, value: (recorded?.provisions_cited || []).join(", "),
    placeholder: "instrument/eid, e.g. cst/art_4", "aria-describedby": "rq-provisions-help" });
  const quote = h("textarea", { id: "rq-quote", rows: 2, maxlength: 2000, placeholder: "The words of the request (optional)" });
  const note = h("textarea", { id: "rq-note", rows: 2, maxlength: 4000, placeholder: "Seen by your delegation and the facilitators only" });
  const chosen = new Set(recorded?.grounds || []);
  const claims = sourceDoc?.claims || [];
  const grounds = claims.length ? h("details", { class: "grounds" },
    h("summary", {}, `Grounds: the case's claims you put forward (${chosen.size} chosen)`),
    h("ul", { class: "small", id: "rq-grounds" }, claims.map((c) => {
      const box = h("input", { type: "checkbox", name: "grounds", value: c.id, id: `g-${c.id}` });
      box.checked = chosen.has(c.id);
      return h("li", {}, box, " ", h("label", { for: box.id }, h("code", {}, c.proposition), ` = ${c.value}, per ${c.by_name || c.by} (${c.status})`));
    }))) : null;

  const form = h("form", { class: "card", id: "file-request" },
    h("h3", {}, `File a request on behalf of ${ctx.myState}`),
    recorded ? h("p", { class: "small muted" }, `Prefilled from the recorded request ${recorded.id}; change what you wish.`) : null,
    h("div", { class: "controls" }, h("label", { for: "rq-office" }, "Office"), office),
    h("div", { class: "controls" }, h("label", { for: "rq-person" }, "Person"), person),
    h("div", { class: "controls" }, h("label", { for: "rq-provisions" }, "Provisions cited"), provisions),
    h("p", { class: "small muted", id: "rq-provisions-help" }, "Comma-separated; none: every provision with a casus is considered."),
    grounds,
    h("p", {}, h("label", { for: "rq-quote" }, "Quote"), quote),
    h("p", {}, h("label", { for: "rq-note" }, "Private note"), note),
    h("button", { type: "submit", class: "primary", id: "file-request-button" }, "File the request"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { office: office.value, provisions_cited: splitList(provisions.value),
      grounds: [...form.querySelectorAll("input[name=grounds]:checked")].map((b) => b.value) };
    if (person.value.trim()) body.person = person.value.trim();
    if (quote.value.trim()) body.quote = quote.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    form.querySelector("button[type=submit]").disabled = true;
    try {
      const done = await fileRequest(ctx.id, ctx.token, body);
      say("ok", `Request filed: ${done.events.map((e) => e.summary).join("; ")}.`);
      ctx.applied(done.exercise);
    } catch (err) {
      say("error", `The request was not filed: ${err.message}`);
      form.querySelector("button[type=submit]").disabled = false;
    }
  });
  return form;
}

function positionForm(ctx, rq, say) {
  const mine = rq.positions.find((p) => p.state === ctx.myState) || null;
  const name = `position-${rq.id}`;
  const radios = POSITIONS.map(([v, text]) => {
    const input = h("input", { type: "radio", name, value: v, id: `${name}-${v}`, required: true });
    input.checked = mine?.position === v;
    return h("label", { for: input.id }, input, " ", text);
  });
  const basis = h("input", { type: "text", id: `${name}-basis`, size: 40, maxlength: 2000, placeholder: "What shows it (optional)" });
  const note = h("input", { type: "text", id: `${name}-note`, size: 40, maxlength: 4000, placeholder: "Private note (optional)" });
  const form = h("form", { class: "card position-form", id: `cast-${rq.id}`, dataset: { request: rq.id } },
    h("fieldset", {},
      h("legend", {}, `Your position on request ${rq.id} (by ${rq.state})`),
      mine ? h("p", { class: "small" }, "Now: ", h("strong", { class: "my-position" }, label(mine.position)),
        changes(mine) ? h("span", { class: "muted" }, ` (changed ${changes(mine)}×)`) : null) : h("p", { class: "small muted" }, "You have not cast a position yet."),
      radios),
    h("div", { class: "controls" }, h("label", { for: basis.id }, "Basis"), basis),
    h("div", { class: "controls" }, h("label", { for: note.id }, "Note"), note),
    h("button", { type: "submit", class: "primary" }, mine ? "Change the position" : "Cast the position"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = form.querySelector(`input[name="${name}"]:checked`);
    if (!chosen) return;
    const body = { position: chosen.value };
    if (basis.value.trim()) body.basis = basis.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    form.querySelector("button[type=submit]").disabled = true;
    try {
      const result = await castPosition(ctx.id, ctx.token, rq.id, body);
      const ev = result.evaluation?.outcome || {};
      say("ok", `Recorded: ${ctx.myState} ${label(chosen.value)} on ${rq.id}. The outcome computed now: ${label(ev.computed)}.`);
      ctx.refresh();
    } catch (err) {
      say("error", `The position was not recorded: ${err.message}`);
      form.querySelector("button[type=submit]").disabled = false;
    }
  });
  return form;
}

/** The delegation's panel: {element, update(exercise, sourceDoc)}. */
export function delegationPanel(ctx) {
  const status = h("div", { id: "act-status", "aria-live": "polite" });
  const body = h("div", { id: "act-forms" });
  const say = (kind, text) => fill(status, message(kind, text));
  let signature = null;

  function update(x, sourceDoc) {
    const sig = JSON.stringify([x.status, x.requests.map((r) => [r.id, r.status, r.state,
      r.positions.find((p) => p.state === ctx.myState)?.position ?? null]), Boolean(sourceDoc)]);
    if (sig === signature) return;
    signature = sig;
    const open = x.requests.filter((r) => r.status === "open");
    const parts = [];
    if (x.status !== "running") {
      parts.push(message("info", "The exercise has ended: nothing more can be recorded."));
    } else {
      parts.push(open.map((r) => positionForm(ctx, r, say)));
      if (!open.some((r) => r.state === ctx.myState)) {
        // Another state's request is usually what a delegation answers: its own stays folded.
        parts.push(open.length
          ? h("details", { class: "own-request" }, h("summary", {}, `File a request of ${ctx.myState}'s own`), requestForm(ctx, sourceDoc, say))
          : requestForm(ctx, sourceDoc, say));
      }
      if (!open.length) parts.push(h("p", { class: "muted small" }, "No decision is open: positions are cast once a request is filed."));
    }
    fill(body, parts);
  }

  const element = h("section", { id: "act", "aria-labelledby": "act-h" },
    h("h2", { id: "act-h" }, `Your delegation: ${ctx.myState}`), status, body);
  return { element, update };
}
