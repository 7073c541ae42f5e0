// The exercises pages: /exercises (log in; a facilitator creates an exercise from a case; the
// exercises the account may read) and /exercises/{id} (the live exercise, exercise-view.js).

import { createExercise, listCases, listExercises } from "./api.js";
import { fill, h, message } from "./dom.js";
import { exerciseView } from "./exercise-view.js";
import { accountBar, currentAccount, loginForm } from "./session.js";
import { table } from "./values.js";

const main = document.getElementById("main");
const match = location.pathname.match(/^\/exercises\/([^/]+)\/?$/);
const exerciseId = match ? decodeURIComponent(match[1]) : null;

async function createForm(session) {
  const cases = await listCases();
  const wanted = new URLSearchParams(location.search).get("case") || "kz-2022";
  const select = h("select", { id: "new-case", required: true },
    cases.map((c) => h("option", { value: c.id }, `${c.id}: ${c.title}`)));
  if (cases.some((c) => c.id === wanted)) select.value = wanted;
  const on = h("input", { type: "date", id: "new-on" });
  const title = h("input", { type: "text", id: "new-title", size: 50, maxlength: 200, placeholder: "Exercise: (the case's title)" });
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", id: "create-exercise" },
    h("h2", {}, "Create an exercise from a case"),
    h("p", { class: "small muted" }, "The exercise starts on the case's first request date unless you choose another; its facts are the case's claims. You manage the exercises you create."),
    h("div", { class: "controls" }, h("label", { for: "new-case" }, "Case"), select),
    h("div", { class: "controls" },
      h("label", { for: "new-on" }, "Start date (optional)"), on,
      h("label", { for: "new-title" }, "Title (optional)"), title),
    h("button", { type: "submit", class: "primary" }, "Create the exercise"),
    status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { case: select.value };
    if (on.value) body.on = on.value;
    if (title.value.trim()) body.title = title.value.trim();
    try {
      const done = await createExercise(session.token, body);
      location.assign(`/exercises/${encodeURIComponent(done.exercise.id)}`);
    } catch (err) {
      fill(status, message("error", `Could not create the exercise: ${err.message}`));
    }
  });
  return form;
}

async function exercisesTable(session) {
  const list = await listExercises(session.token);
  if (!list.length) return h("p", { class: "muted" }, "No exercise yet.");
  return table(["Exercise", "Organization", "From case", "Date in the exercise", "Status", "Events"],
    list.map((x) => [h("a", { href: `/exercises/${encodeURIComponent(x.id)}` }, x.title), x.organization.toUpperCase(),
      x.source_case ? h("a", { href: `/cases/${encodeURIComponent(x.source_case)}` }, x.source_case) : "blank scenario",
      x.clock, x.status, String(x.events)]), { id: "exercises" });
}

async function lobby(session) {
  const parts = [h("h1", {}, "Exercises"), accountBar(session.account, start)];
  try {
    if (session.account.role === "facilitator") parts.push(await createForm(session));
    if (session.account.exercise) {
      parts.push(h("p", {}, "Your exercise: ",
        h("a", { href: `/exercises/${encodeURIComponent(session.account.exercise)}` }, session.account.exercise)));
    }
    parts.push(h("h2", {}, "Exercises you may read"), await exercisesTable(session));
  } catch (err) {
    parts.push(message("error", err.message));
  }
  fill(main, parts);
}

async function start() {
  let session = null;
  try {
    session = await currentAccount();
  } catch (err) {
    fill(main, h("h1", {}, "Exercises"), message("error", err.message), loginForm(start));
    return;
  }
  if (!session) {
    fill(main,
      h("h1", {}, exerciseId ? `Exercise ${exerciseId}` : "Exercises"),
      h("p", { class: "lede" }, "In a live exercise each member state's delegation acts through its own account; casus enforces the procedure of the alliance's instruments as they stood on the exercise's date, and evaluates each step as it happens."),
      loginForm(start));
    document.getElementById("token")?.focus();
    return;
  }
  if (exerciseId) {
    exerciseView(main, exerciseId, session, start);
  } else {
    lobby(session);
  }
}

start();
