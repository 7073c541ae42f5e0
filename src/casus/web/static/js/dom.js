// Building the DOM from data without ever parsing data as HTML.
//
// h("a", {href: "#x", class: "src"}, "text", child) creates an element: strings and numbers
// become text nodes, null/undefined/false are skipped, arrays are flattened. Attributes are
// set with setAttribute; event handlers are passed as on: {click: fn}.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "on") {
      for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace the children of `parent` with `children`. */
export function fill(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Elements separated by `sep` (", " by default). */
export function joined(items, sep = ", ") {
  const out = [];
  items.forEach((item, i) => {
    if (i > 0) out.push(sep);
    out.push(item);
  });
  return out;
}

/** A link to an outside page, or plain text when the URL is not http(s). */
export function externalLink(url, text) {
  let parsed = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || !["http:", "https:"].includes(parsed.protocol)) return text || url || "";
  return h("a", { href: parsed.href, rel: "noopener noreferrer external", target: "_blank" }, text || url);
}

/** A message in a status region; `kind` is "error", "info" or "ok". */
export function message(kind, text) {
  return h("p", { class: `msg msg-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

/** "participation_frozen" -> "participation frozen" (as the HTML report's `label` filter). */
export function label(s) {
  return s === null || s === undefined ? "" : String(s).replaceAll("_", " ");
}
