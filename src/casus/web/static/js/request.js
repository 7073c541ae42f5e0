// One request of a case and its evaluation: who asked, under what; the outcome computed by the
// rules beside the recorded one; the provisions, the organ, the vote, the obligations; and the
// explanation tree with its citations.

import { h, joined, label } from "./dom.js";
import { explanationTree } from "./tree.js";
import { anchor, assumption, citations, sources, table, value } from "./values.js";

const AGREES = new Map([[true, "yes"], [false, "no"], [null, "–"], [undefined, "–"]]);

function outcomePanel(ev) {
  const o = ev.outcome || {};
  return h("div", { class: "outcome", id: `outcome-${ev.request}` },
    h("div", { class: "computed" }, h("span", { class: "k" }, `Computed by the rules (${ev.readings?.[o.reading] || o.reading})`),
      h("span", { class: "big" }, value(o.value), o.computed === o.value ? null : [" ", label(o.computed)]),
      h("div", { class: "muted small" }, "basis: ", o.basis)),
    h("div", { class: "recorded" }, h("span", { class: "k" }, "Recorded"),
      h("span", { class: "big" }, o.recorded ? label(o.recorded) : "–"), o.recorded_date ? ` (${o.recorded_date})` : "",
      o.announced_by ? h("div", { class: "muted small" }, `announced by ${o.announced_by.person}, ${o.announced_by.office}`) : null),
    h("div", { class: "agrees" }, h("span", { class: "k" }, "Computed agrees with recorded"),
      h("span", { class: "big" }, AGREES.get(o.agrees) ?? "–"),
      o.difference ? h("div", { class: "conflict small" }, o.difference) : null),
    h("div", { class: "by-reading" }, h("span", { class: "k" }, "Under each reading"),
      Object.entries(o.by_reading || {}).map(([rid, out]) =>
        h("div", { class: "small" }, ev.readings?.[rid] || rid, ": ", value(out.value),
          out.computed === out.value ? null : [" ", label(out.computed)],
          h("span", { class: "muted" }, ` (basis ${out.basis})`)))));
}

function provisions(ev) {
  const readingIds = Object.keys(ev.readings || {});
  const rows = (ev.triggered || []).map((t) => [
    [h("code", {}, t.provision), h("br"), t.heading, t.cited ? null : h("div", { class: "muted small" }, "(not cited)")],
    [h("span", { class: "muted" }, `[${t.text_status}] `), t.text],
    value(t.entitled),
    ...readingIds.map((rid) => value(t.readings?.[rid])),
  ]);
  return [
    table(["Provision in force", "Text", "Entitled", ...readingIds.map((rid) => `Casus: ${ev.readings[rid]}`)], rows,
      { class: "provisions" }),
    (ev.triggered || []).flatMap((t) => [
      t.missing?.length ? h("p", {}, h("code", {}, t.provision), ": ", value("undetermined"), " missing: ", t.missing.join(", ")) : null,
      t.contested?.length ? h("p", {}, h("code", {}, t.provision), ": ", value("contested"), " ", t.contested.join(", ")) : null,
    ]),
    (ev.not_in_force || []).map((n) => h("p", {}, value("no"), " ", h("code", {}, n.provision), " not in force: ", n.reason)),
  ];
}

function organAndVote(ev) {
  const rule = ev.rule;
  const v = ev.vote;
  return h("dl", { class: "facts" },
    h("dt", {}, "Deciding organ"),
    h("dd", {}, ev.organ ? [h("strong", {}, ev.organ.name), h("div", { class: "muted small" }, ev.organ.composition)] : "none"),
    h("dt", {}, "Rule"),
    h("dd", {}, rule ? [h("strong", {}, rule.text), h("div", { class: "muted small" }, rule.basis, " ",
      citations(rule.cites))] : "none in force"),
    v ? [h("dt", {}, "Vote"),
      h("dd", {}, value(v.value), " ", label(v.outcome), ": ", v.reason, ".",
        v.joined?.length ? h("div", { class: "small" }, "Joined: ", v.joined.join(", ")) : null,
        v.not_joined?.length ? h("div", { class: "small" }, "Not joined: ", v.not_joined.join(", ")) : null,
        v.blocking?.length ? h("div", { class: "small conflict" }, "Blocking: ", v.blocking.join(", ")) : null,
        v.missing?.length ? h("div", { class: "small" }, "No position recorded: ", v.missing.join(", ")) : null)] : null);
}

function decision(rq) {
  const d = rq.decision;
  if (!d) return h("p", { class: "muted" }, "No decision recorded.");
  return [
    h("p", {}, "Recorded decision of ", h("strong", {}, d.organ), d.date ? ` on ${d.date}` : "", ": ",
      h("strong", {}, label(d.outcome)), ". ", d.summary || "", " ", sources(d.sources)),
    d.positions?.length ? table(["Member", "Position", "Basis", "Sources"],
      d.positions.map((p) => [h("strong", {}, p.state), [label(p.position), p.inferred ? h("span", { class: "muted" }, " (inferred)") : null],
        p.basis || "", sources(p.sources)]), { class: "positions", caption: "Positions recorded" }) : null,
  ];
}

function obligations(ev) {
  if (!ev.obligations?.length) return null;
  return table(["Provision", "Duty", "Bearers", "Value"], ev.obligations.map((ob) => [
    h("code", {}, ob.provision),
    [h("strong", {}, ob.modality), " ", ob.duty],
    ob.states?.length ? ob.states.map((st) => h("div", {}, h("strong", {}, st.state), ": ", value(st.value), " ", h("span", { class: "small" }, st.why)))
      : label(ob.bearer),
    value(ob.value),
  ]), { class: "obligations", caption: "Obligations that follow" });
}

// A request for a force under a frame of general international law, beside the treaty's answer:
// the provisions (consent, self-defence) under each reading, the outcome per reading, the
// conclusions sides and scholars stated (each their claim), and the explanation, collapsed.
function frameSection(rq, name, frame) {
  const fe = frame.evaluation || {};
  const o = fe.outcome || {};
  const titles = new Map((fe.triggered || []).map((t) => [t.provision, t.heading]));
  const id = `frame-${rq.id}-${name}`;
  return h("section", { class: "frame", id },
    h("h4", {}, "Beside the treaty: ", name.replaceAll("-", " ")),
    h("p", { class: "muted small" }, "The same request put, by the same engine, to the rules of general international law on ",
      "military assistance on request (consent, ILC Art. 20; collective self-defence, UN Charter Art. 51). The organ's ",
      "decision is not a finding under them."),
    provisions(fe),
    h("div", { class: "by-reading" }, h("span", { class: "k" }, "Computed under each reading"),
      Object.entries(o.by_reading || {}).map(([rid, out]) =>
        h("div", { class: "small" }, fe.readings?.[rid] || rid, ": ", value(out.value),
          out.computed === out.value ? null : [" ", label(out.computed)]))),
    frame.stated?.length ? h("div", { class: "stated" }, h("span", { class: "k" }, "Stated by the sides and by scholars, each their claim"),
      h("ul", {}, frame.stated.map((c) => h("li", {}, c.by_name, ": ", c.value, c.quote ? `, “${c.quote}”` : "",
        h("span", { class: "muted" }, ` (${c.status}) `), sources(c.sources))))) : null,
    h("details", {}, h("summary", {}, "Explanation under general international law"),
      fe.explanation ? explanationTree(fe.explanation, titles, { id: `${id}-tree` }) : null));
}

/** `board`: the picture of the vote on this request (from the page), drawn beside the decision. */
export function requestSection(rq, board = null) {
  const ev = rq.evaluation || {};
  const provisionTitles = new Map((ev.triggered || []).map((t) => [t.provision, t.heading]));
  const requester = rq.requester || {};
  const treeId = `tree-${rq.id}`;
  return h("article", { class: "request", id: anchor("request", rq.id) },
    h("h3", {}, `Request ${rq.id}: `, requester.person || requester.state,
      ` (${label(requester.office)} of ${requester.state}), ${rq.date}`),
    h("p", {}, "Addressed to ", rq.addressed_to, ". Provisions cited: ",
      rq.provisions_cited?.length ? joined(rq.provisions_cited.map((p) => h("code", {}, p))) : "none", "."),
    rq.quote ? h("blockquote", {}, `“${rq.quote}” `, sources(rq.sources)) : null,
    rq.grounds?.length ? h("p", {}, "Grounds (claims): ",
      joined(rq.grounds.map((g) => h("a", { href: `#${anchor("claim", g)}` }, g)))) : null,
    h("h4", {}, "Outcome"),
    h("p", {}, "Evaluated on ", h("strong", {}, ev.on), " under ", h("strong", {}, ev.readings?.[ev.reading] || ev.reading),
      " (the case's default reading). Requester entitled to ask: ", value(ev.entitled)),
    outcomePanel(ev),
    (ev.outcome?.reasons || []).length ? h("ul", {}, ev.outcome.reasons.map((r) => h("li", {}, r.by_name, ": ",
      r.quote ? `“${r.quote}” ` : "", h("span", { class: "muted" }, `(${r.proposition} = ${r.value}, ${r.status}; `), sources(r.sources), ")"))) : null,
    h("h4", {}, "Provisions"),
    provisions(ev),
    organAndVote(ev),
    decision(rq),
    board,
    obligations(ev),
    h("h4", { id: `${treeId}-h` }, "Explanation"),
    h("p", { class: "muted small" }, "Each step with its value and citations: provisions as ", h("code", {}, "instrument/eid@version-date"),
      ", claims and sources as links. Tab to a step and press Enter to open or close it."),
    ev.explanation ? explanationTree(ev.explanation, provisionTitles, { id: treeId }) : h("p", { class: "muted" }, "No explanation."),
    ev.assumptions?.length ? h("details", { class: "assumptions" },
      h("summary", {}, `The ${ev.assumptions.length} labelled assumptions this evaluation rests on`),
      ev.assumptions.map(assumption)) : null,
    ev.notes?.length ? h("ul", { class: "notes" }, ev.notes.map((n) => h("li", {}, typeof n === "string" ? n : JSON.stringify(n)))) : null,
    Object.entries(rq.frames || {}).map(([name, frame]) => frameSection(rq, name, frame)));
}
