// Logging in by pasting a token. The token stays in this tab's sessionStorage (gone when the tab
// closes), is sent as `Authorization: Bearer` and, for the event stream only, as `?token=`
// (an EventSource cannot set headers). It is never written into the page.

import { forgetToken, saveToken, savedToken, whoAmI } from "./api.js";
import { fill, h, label, message } from "./dom.js";

/** Who the saved token belongs to, or null (a token the server no longer knows is forgotten). */
export async function currentAccount() {
  const token = savedToken();
  if (!token) return null;
  try {
    return { token, account: await whoAmI(token) };
  } catch (err) {
    if (err.status === 401) forgetToken();
    throw err;
  }
}

export function describeAccount(a) {
  return [h("strong", {}, a.name), a.role === "delegation" ? ` (delegation of ${a.state})` : ` (${label(a.role)})`];
}

/** The login form; `onLogin()` runs once the token is known to the server. */
export function loginForm(onLogin, reason) {
  const input = h("input", {
    type: "password", id: "token", name: "token", autocomplete: "off", spellcheck: "false",
    size: 60, required: true, "aria-describedby": "token-help",
  });
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card login", id: "login" },
    h("h2", {}, "Log in"),
    reason ? message("info", reason) : null,
    h("p", { id: "token-help", class: "small" },
      "Paste the token you were given: a facilitator's from ", h("code", {}, "casus accounts create"),
      ", a delegation's or an observer's from the facilitator's invitation. It is kept in this tab only."),
    h("div", { class: "controls" },
      h("label", { for: "token" }, "Token"), input,
      h("button", { type: "submit", class: "primary" }, "Log in")),
    status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    try {
      const account = await whoAmI(token);
      saveToken(token);
      input.value = "";
      onLogin({ token, account });
    } catch (err) {
      fill(status, message("error", err.status === 401 ? "This token is not recognized." : err.message));
    }
  });
  return form;
}

/** "Logged in as …" with a log-out button. */
export function accountBar(account, onLogout) {
  return h("p", { class: "account-bar small", id: "account" },
    "Logged in as ", describeAccount(account), " ",
    h("button", {
      type: "button", on: { click: () => { forgetToken(); onLogout(); } },
    }, "Log out"));
}
