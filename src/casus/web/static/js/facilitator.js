// The facilitator's controls over an exercise it manages: invite the members' delegations (each
// token shown once, here, and never again), invite an observer, advance the clock, close a
// decision, end the exercise, and read the after-action report.

import { advanceClock, closeDecision, endExercise, getReport, invite } from "./api.js";
import { fill, h, label, message } from "./dom.js";
import { table } from "./values.js";

function nextDay(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function tokenItem(p, token) {
  const field = h("input", { type: "text", readonly: true, value: token, class: "token", "aria-label": `Token of ${p.name}` });
  field.addEventListener("focus", () => field.select());
  const copy = h("button", { type: "button" }, "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(token);
      copy.textContent = "Copied";
    } catch {
      field.focus();
      copy.textContent = "Selected: copy it";
    }
  });
  return h("li", { dataset: { state: p.state || "", role: p.role } },
    h("strong", {}, p.name), p.state ? h("span", { class: "muted" }, ` (${p.state})`) : h("span", { class: "muted" }, ` (${p.role})`),
    h("div", { class: "token-line" }, field, copy));
}

function reportView(r) {
  return h("div", { id: "report" },
    h("h3", {}, "After-action report"),
    h("p", { class: "small" }, `Log: ${r.log.events} events, chain ${r.log.chain}.`),
    r.requests.map((item) => h("div", { class: "card" },
      h("p", {}, h("strong", {}, `Exercise request ${item.exercise.request}`), `: ${label(item.exercise.outcome)}`,
        item.recorded ? [` · recorded ${item.recorded.request}: ${label(item.recorded.outcome)} (the engine gives ${label(item.recorded.computed)} on the record)`] : null),
      item.differences.length ? h("ul", { class: "small" }, item.differences.map((d) => h("li", {}, d)))
        : h("p", { class: "small muted" }, "No difference from the record."))));
}

/** The facilitator's panel: {element, update(exercise)}. */
export function facilitatorPanel(ctx) {
  const status = h("div", { id: "facilitate-status", "aria-live": "polite" });
  const say = (kind, text) => fill(status, message(kind, text));
  const inviteBox = h("div", { id: "invite" });
  const tokensList = h("ul", { class: "tokens" });
  const tokens = h("div", { id: "tokens", hidden: true },
    h("h3", {}, "Tokens: shown once"),
    h("p", { class: "small msg msg-info" }, "Give each participant their token now: it is not stored in readable form and will not be shown again. They log in at this page's address."),
    tokensList);
  const clockBox = h("div", { id: "clock-control" });
  const decisionsBox = h("div", { id: "decisions" });
  const reportBox = h("div", {});
  let x = null;
  let inviteSig = null;

  function showToken(participant, token) {
    if (!token) return;
    tokens.hidden = false;
    tokensList.append(tokenItem(participant, token));
  }

  async function inviteSelected(event) {
    event.preventDefault();
    const chosen = [...inviteBox.querySelectorAll("input[name=invite]:checked")].map((b) => x.members.find((m) => m.state === b.value));
    if (!chosen.length) return say("info", "Choose at least one member.");
    if (event.submitter) event.submitter.disabled = true;
    let done = 0;
    for (const m of chosen) {
      try {
        const r = await invite(ctx.id, ctx.token, { role: "delegation", name: `Delegation of ${m.name}`, state: m.state });
        showToken(r.participant, r.token);
        ctx.applied(r.exercise);
        done += 1;
      } catch (err) {
        say("error", `Could not invite ${m.state}: ${err.message}`);
      }
    }
    if (done) say("ok", `${done} delegation${done === 1 ? "" : "s"} invited: their tokens are below.`);
    if (event.submitter) event.submitter.disabled = false;
  }

  function renderInvite() {
    const invited = new Set(x.participants.filter((p) => p.role === "delegation").map((p) => p.state));
    const sig = JSON.stringify([x.members.map((m) => m.state), [...invited], x.status]);
    if (sig === inviteSig) return;
    inviteSig = sig;
    const form = h("form", { id: "invite-delegations" },
      table(["", "Member on " + x.clock, "Status"], x.members.map((m) => {
        const box = h("input", { type: "checkbox", name: "invite", value: m.state, id: `inv-${m.state}`, disabled: invited.has(m.state) });
        box.checked = !invited.has(m.state);
        return [box, h("label", { for: box.id }, `${m.name} (${m.state})`), invited.has(m.state) ? "invited" : label(m.status)];
      })),
      h("button", { type: "submit", class: "primary", disabled: x.status !== "running" || x.members.every((m) => invited.has(m.state)) },
        "Invite the selected delegations"));
    form.addEventListener("submit", inviteSelected);
    const observerName = h("input", { type: "text", id: "observer-name", size: 24, maxlength: 200, placeholder: "Name" });
    const observer = h("form", { id: "invite-observer", class: "controls" },
      h("label", { for: "observer-name" }, "Observer"), observerName, h("button", { type: "submit" }, "Invite an observer"));
    observer.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!observerName.value.trim()) return;
      try {
        const r = await invite(ctx.id, ctx.token, { role: "observer", name: observerName.value.trim() });
        showToken(r.participant, r.token);
        observerName.value = "";
        ctx.applied(r.exercise);
      } catch (err) {
        say("error", `Could not invite the observer: ${err.message}`);
      }
    });
    fill(inviteBox, h("h3", {}, "Invite the delegations"), form, observer);
  }

  function renderClock() {
    const to = h("input", { type: "date", id: "clock-to", min: nextDay(x.clock), value: nextDay(x.clock) });
    const form = h("form", { class: "controls" },
      h("label", { for: "clock-to" }, `Clock: ${x.clock}. Advance to`), to,
      h("button", { type: "submit", disabled: x.status !== "running" }, "Advance the clock"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const m = await advanceClock(ctx.id, ctx.token, to.value);
        say("ok", `The clock reads ${m.exercise.clock}.`);
        ctx.applied(m.exercise);
      } catch (err) {
        say("error", `The clock was not moved: ${err.message}`);
      }
    });
    fill(clockBox, h("h3", {}, "Clock"), form);
  }

  function renderDecisions() {
    const open = x.requests.filter((r) => r.status === "open");
    const end = h("button", { type: "button", id: "end-exercise", disabled: x.status !== "running" }, "End the exercise…");
    let armed = false;
    end.addEventListener("click", async () => {
      if (!armed) {
        armed = true;
        end.textContent = "Confirm: end the exercise (every open decision is closed)";
        return;
      }
      try {
        const m = await endExercise(ctx.id, ctx.token);
        say("ok", "The exercise has ended.");
        ctx.applied(m.exercise);
      } catch (err) {
        say("error", `The exercise was not ended: ${err.message}`);
      }
    });
    const reportButton = h("button", { type: "button", id: "show-report" }, "After-action report");
    reportButton.addEventListener("click", async () => {
      try {
        fill(reportBox, reportView(await getReport(ctx.id, ctx.token)));
      } catch (err) {
        say("error", `No report: ${err.message}`);
      }
    });
    fill(decisionsBox, h("h3", {}, "Decisions"),
      open.length ? open.map((r) => {
        const b = h("button", { type: "button", dataset: { request: r.id } }, `Close the decision on ${r.id}`);
        b.addEventListener("click", async () => {
          try {
            const m = await closeDecision(ctx.id, ctx.token, r.id);
            say("ok", `The decision on ${r.id} is closed.`);
            ctx.applied(m.exercise);
          } catch (err) {
            say("error", `The decision was not closed: ${err.message}`);
          }
        });
        return h("p", {}, b);
      }) : h("p", { class: "muted small" }, "No open decision."),
      h("div", { class: "controls" }, end, reportButton));
  }

  const drawn = new Map();
  /** Redraw a part only when what it shows changed, so nothing typed into it is lost. */
  function once(part, sig, draw) {
    const key = JSON.stringify(sig);
    if (drawn.get(part) === key) return;
    drawn.set(part, key);
    draw();
  }

  function update(next) {
    x = next;
    renderInvite();
    once("clock", [x.clock, x.status], renderClock);
    once("decisions", [x.status, x.requests.map((r) => [r.id, r.status])], renderDecisions);
  }

  const element = h("section", { id: "facilitate", "aria-labelledby": "facilitate-h" },
    h("h2", { id: "facilitate-h" }, "Facilitator"), status, tokens, inviteBox, clockBox, decisionsBox, reportBox);
  return { element, update };
}
