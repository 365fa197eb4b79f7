// The wallboard: draws the snapshot, then applies each hub event (agent.state,
// campaign.stats, call.state) as it arrives; a one-second tick keeps times in state current.
// Each campaign's compliance panel (stats/compliance.py) comes with the snapshot and with the
// server's periodic campaign.compliance message.
import { connectLive } from "/static/live.js";

const root = document.getElementById("wallboard");
const statusEl = document.getElementById("wb-status");
const clockEl = document.getElementById("wb-clock");
const campaignsEl = document.getElementById("wb-campaigns");
const teamsEl = document.getElementById("wb-teams");

const agents = new Map();     // agent_id -> agent.state event
const campaigns = new Map();  // campaign_id -> campaign.stats event
const calls = new Map();      // call_id -> call.state event
const lowCredit = new Map();  // team_id -> billing.low_credit event (prepaid branches short of credit)
const teamNames = new Map();  // team_id -> name (from the snapshot)
let skew = 0;                 // server clock - browser clock, ms

const STATE_GROUPS = [
  ["ready", ["ready"], "Ready"],
  ["on_call", ["on_call", "ringing", "reserved"], "On call"],
  ["wrap_up", ["wrap_up"], "Wrap-up"],
  ["paused", ["paused"], "Paused"],
  ["not_ready", ["not_ready"], "Not ready"],
];
// Words for agent states and campaign statuses: dialer/labels.py's, handed over by the page.
const STATE_LABEL = JSON.parse(document.getElementById("wallboard")?.dataset.labels || "{}");
// A value without a word in the table reads as labels.py reads it: spaced, capitalised.
const word = (v) => STATE_LABEL[v] || (v ? v[0].toUpperCase() + v.slice(1).replaceAll("_", " ") : "");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v; else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function now() { return Date.now() + skew; }

function elapsed(sinceIso) {
  if (!sinceIso) return "";
  const s = Math.max(0, Math.floor((now() - Date.parse(sinceIso)) / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mmss = `${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
  return h ? `${h}:${mmss}` : mmss;
}

function seconds(value) {
  const s = Math.round(value || 0);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function pct(value) { return value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)} %`; }

function figure(label, value, field, extraClass = "") {
  return el("div", { class: `fig ${extraClass}`.trim(), "data-field": field },
    el("span", { class: "num" }, value), el("span", { class: "label" }, label));
}

function abandonClass(c) {
  // As compliance/abandon.py's cap_standing: over only past the cap ("at most 3 %"), red from 80 % of it.
  if (c.abandon_rate === null || c.abandon_rate === undefined || !c.abandon_cap) return "";
  if (c.abandon_rate > c.abandon_cap) return "over";
  return c.abandon_rate >= 0.8 * c.abandon_cap ? "near" : "ok";  // red before the cap is hit
}

const WINDOW_LABEL = { "24h": "24 h", "30d": "30 days" };

function compliancePanel(c) {
  // The abandon rate over each window the campaign's regulatory profile measures, with the counts
  // behind it, against the cap; then the due contacts a rule kept from being dialed today.
  const x = c.compliance;
  if (!x) return null;
  const skipped = x.skipped || {};
  const dnc = (skipped.dnc_global || 0) + (skipped.dnc_campaign || 0);
  return el("section", { class: "wb-compliance", "data-field": "compliance", "aria-label": "Compliance" },
    el("h3", {}, "Compliance ", el("span", { class: "muted" }, x.regulation_label || "")),
    el("table", {},
      el("thead", {}, el("tr", {}, el("th", {}, "abandon rate"), el("th", { class: "r" }, "rate"),
        el("th", { class: "r" }, "abandoned / live"), el("th", { class: "r" }, "cap"))),
      el("tbody", {}, (x.windows || []).map((w) => el("tr",
        { "data-window": w.window, class: `standing-${w.standing || "none"}` },
        el("td", {}, `over ${WINDOW_LABEL[w.window] || w.window}`, w.capped ? el("span", { class: "muted" }, " · paced") : null),
        el("td", { class: "r rate" }, pct(w.rate)),
        el("td", { class: "r", title: "abandoned includes people connected to an agent after the legal 2 s" },
          `${w.abandoned} / ${w.live}`, w.connected_late ? el("span", { class: "muted" }, ` (${w.connected_late} late)`) : null),
        el("td", { class: "r" }, pct(w.cap)))))),
    el("p", { class: "wb-skips" }, "Today not dialed: ",
      el("span", { "data-skip": "outside_hours" }, skipped.outside_hours || 0), " outside calling hours · ",
      el("span", { "data-skip": "holiday" }, skipped.holiday || 0), " on holidays · ",
      el("span", { "data-skip": "dnc" }, dnc), " DNC hits",
      dnc ? ` (${skipped.dnc_global || 0} global, ${skipped.dnc_campaign || 0} this campaign)` : ""));
}

function agentName(id) {
  const a = agents.get(String(id));
  return a ? (a.name || a.username) : (id ? `#${id}` : "—");
}

function renderCampaigns() {
  const cards = [...campaigns.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  campaignsEl.replaceChildren(...cards.map((c) => {
    const live = [...calls.values()].filter((x) => String(x.campaign_id) === String(c.campaign_id));
    const waits = live.filter((x) => x.state === "waiting").map((x) => (now() - Date.parse(x.since)) / 1000);
    const longest = Math.max(c.longest_wait_s || 0, ...waits, 0);
    // not_dialing: {code, message} reasons (dialer/not_dialing.py), the pacer's own among them.
    const reasons = [c.pacer_reason, ...(c.not_dialing || []).map((r) => r.message)].filter(Boolean);
    return el("article", { class: "wb-campaign", "data-campaign": c.campaign_id },
      el("header", {}, el("h2", {}, c.name || `Campaign ${c.campaign_id}`),
        el("span", { class: `status status-${c.status || ""}` }, word(c.status))),
      el("div", { class: "wb-figures" },
        figure("ringing", live.filter((x) => x.state === "ringing").length || c.ringing || 0, "ringing"),
        figure("waiting", waits.length || c.waiting || 0, "waiting", (waits.length || c.waiting) ? "warn" : ""),
        figure("longest wait", seconds(longest), "longest_wait"),
        figure("answered today", c.answered_today ?? 0, "answered_today"),
        figure("abandoned today", c.abandoned_today ?? 0, "abandoned_today"),
        figure(`abandon rate · cap ${pct(c.abandon_cap)}`, pct(c.abandon_rate), "abandon_rate",
          `abandon ${abandonClass(c)}`),
        figure("dial level", c.dial_level === null || c.dial_level === undefined ? "—"
          : Number(c.dial_level).toFixed(2), "dial_level"),
        figure("contacts left", c.contacts_remaining ?? "—", "contacts_remaining")),
      el("p", { class: "wb-reason", "data-field": "pacer_reason" }, reasons.length ? reasons.join(" · ") : ""),
      compliancePanel(c),
      live.length ? el("table", { class: "wb-calls" },
        el("tbody", {}, live.sort((a, b) => Date.parse(a.since) - Date.parse(b.since)).map((x) =>
          el("tr", { "data-call": x.call_id, class: `call-${x.state}` },
            el("td", { class: "mono" }, x.phone || ""), el("td", {}, word(x.state)),
            el("td", {}, x.agent_id ? agentName(x.agent_id) : ""),
            el("td", { class: "mono r", "data-since": x.since }, elapsed(x.since))))))
        : el("p", { class: "muted" }, "No calls in progress."));
  }));
}

function renderTeams() {
  const byTeam = new Map();
  for (const a of agents.values()) {
    if (a.state === "logged_out") continue;
    const key = a.team_id ?? "none";
    if (!byTeam.has(key)) byTeam.set(key, []);
    byTeam.get(key).push(a);
  }
  const teams = [...byTeam.entries()].sort((a, b) => teamLabel(a[0]).localeCompare(teamLabel(b[0])));
  teamsEl.replaceChildren(...teams.map(([team, list]) => el("article", { class: "wb-team", "data-team": team },
    el("h2", {}, teamLabel(team)),
    el("div", { class: "wb-states" }, STATE_GROUPS.map(([key, states, label]) => {
      const members = list.filter((a) => states.includes(a.state))
        .sort((a, b) => Date.parse(a.since || 0) - Date.parse(b.since || 0));
      return el("div", { class: `wb-state wb-${key}` },
        el("h3", {}, `${label} `, el("span", { class: "count" }, members.length)),
        el("ul", {}, members.map((a) => el("li", { "data-agent": a.agent_id, "data-state": a.state },
          el("span", { class: "who" }, a.name || a.username),
          el("span", { class: "state" }, word(a.state), a.reason ? ` · ${a.reason}` : ""),
          el("span", { class: "mono since", "data-since": a.since || "" }, elapsed(a.since))))));
    })))));
  if (!teams.length) teamsEl.replaceChildren(el("p", { class: "muted" }, "No agent is logged in."));
}

function teamLabel(id) {
  if (id === "none" || id === null) return "No team";
  return teamNames.get(String(id)) || `Team ${id}`;
}

let pending = false;
function render() {
  // Coalesce bursts of events into one paint (still well within a second).
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; renderCredit(); renderCampaigns(); renderTeams(); });
}

function renderCredit() {
  // Prepaid branches whose credit fell below their threshold: their campaigns stop when it runs out.
  let box = document.getElementById("wb-credit");
  if (!box) {
    box = el("section", { id: "wb-credit", class: "wb-credit", "aria-label": "Low credit", role: "alert" });
    root.prepend(box);
  }
  box.replaceChildren(...[...lowCredit.values()].map((x) => el("p", { class: "alert error" },
    `Low prepaid credit: ${x.team} has ${Number(x.balance).toFixed(2)} ${x.currency} `
    + `(warning below ${Number(x.threshold).toFixed(2)}). Top it up under Billing accounts.`)));
  box.hidden = lowCredit.size === 0;
}

function apply(msg) {
  switch (msg.type) {
    case "snapshot":
      skew = msg.now ? Date.parse(msg.now) - Date.now() : 0;
      agents.clear(); campaigns.clear(); calls.clear();
      for (const a of msg.agents || []) {
        agents.set(String(a.agent_id), a);
        if (a.team_id !== null && a.team) teamNames.set(String(a.team_id), a.team);
      }
      for (const c of msg.campaigns || []) campaigns.set(String(c.campaign_id), c);
      for (const x of msg.calls || []) calls.set(String(x.call_id), x);
      lowCredit.clear();
      for (const x of msg.low_credit || []) lowCredit.set(String(x.team_id), x);
      break;
    case "billing.low_credit":
      lowCredit.set(String(msg.team_id), msg);
      break;
    case "agent.state":
      agents.set(String(msg.agent_id), { ...agents.get(String(msg.agent_id)), ...msg });
      break;
    case "campaign.stats":
      campaigns.set(String(msg.campaign_id), { ...campaigns.get(String(msg.campaign_id)), ...msg });
      break;
    case "campaign.compliance":
      for (const x of msg.campaigns || []) {
        const known = campaigns.get(String(x.campaign_id));
        if (known) campaigns.set(String(x.campaign_id), { ...known, compliance: x.compliance });
      }
      break;
    case "call.state":
      if (msg.state === "ended") calls.delete(String(msg.call_id));
      else calls.set(String(msg.call_id), msg);
      break;
    default:
      return;  // other events (call.connected, ...) are for other pages
  }
  render();
}

function tick() {
  for (const node of root.querySelectorAll("[data-since]")) node.textContent = elapsed(node.dataset.since);
  clockEl.textContent = new Date(now()).toLocaleTimeString();
}

connectLive({
  url: root.dataset.ws,
  topics: (root.dataset.topics || "floor").split(","),
  onMessage: apply,
  onStatus: (status) => {
    statusEl.className = `wb-status ${status}`;
    statusEl.textContent = status === "live" ? "live" : status === "reconnecting" ? "reconnecting…" : "connecting…";
    root.classList.toggle("stale", status !== "live");
  },
});
setInterval(tick, 1000);
tick();
