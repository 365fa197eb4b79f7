// The agent panel: state, offers and calls pushed over /ws/agent (static/live.js reconnects),
// actions through /api/v1/agent. No polling: a hidden tab's throttled timers change nothing,
// and a reconnect brings a fresh snapshot.

import { connectLive } from "/static/live.js";
import { agentApi, formatDuration } from "/static/agent/api.js";
import { fillFields, formValues, renderCall, renderDnc, resetForm, toggleCallback } from "/static/agent/call_form.js";
import { handOverToExtension } from "/static/agent/extension_bridge.js";
import { countdown } from "/static/agent/countdown.js";
import { draftKeeper } from "/static/agent/draft.js";

const root = document.getElementById("agent-panel");
const $ = (id) => document.getElementById(id);
const api = agentApi(root.dataset.csrf);
// Words for the agent's states: dialer/labels.py's, handed over by the page.
const LABELS = JSON.parse(root.dataset.labels || "{}");

const els = {
  name: $("ap-call-name"), fields: $("ap-call-fields"), link: $("ap-call-link"), disposition: $("ap-disposition"),
  notes: $("ap-notes"), callback: $("ap-callback"), callbackRow: $("ap-callback-row"),
  private: $("ap-private"), privateRow: $("ap-private-row"), dnc: $("ap-dnc"), dncState: $("ap-dnc-state"),
};
const view = { state: { state: "logged_out" }, call: null, offer: null, pausePending: "" };
const wrapClock = countdown($("ap-wrap"));
const drafts = draftKeeper({
  api, els, form: $("ap-call-form"), callId: () => view.call?.call_id,
  onStatus: (text) => { $("ap-draft").textContent = text; },
});

function showError(message) {
  $("ap-error").textContent = message || "";
  $("ap-error").hidden = !message;
}

async function act(path, body) {
  const result = await api("POST", path, body);
  showError(result.ok ? "" : result.message);
  return result;
}

function renderFigures(f) {
  if (!f) return;
  $("fig-calls").textContent = String(f.calls_today ?? 0);
  $("fig-talk").textContent = formatDuration(f.talk_s_today);
  $("fig-waiting").textContent = String(f.waiting ?? 0);
}

function render() {
  const s = view.state.state || "logged_out";
  const state = $("ap-state");
  state.dataset.state = s;
  // "Not ready (phone down)", "Not ready (disconnected)": the reason is the point.
  const withReason = (s === "paused" || s === "not_ready") && view.state.reason;
  state.textContent = (LABELS[s] || s) + (withReason ? (s === "paused" ? `: ${view.state.reason}` : ` (${view.state.reason})`) : "");
  const inCall = (s === "on_call" || s === "wrap_up") && view.call;
  $("ap-join").hidden = s !== "logged_out";
  $("ap-controls").hidden = s === "logged_out";
  $("ap-waiting").hidden = !(s === "ready" || s === "paused" || s === "not_ready");
  $("ap-waiting-title").textContent = s === "ready" ? "Waiting for a call"
    : s === "not_ready" ? (view.state.reason === "disconnected" ? "You were away: click Ready to take calls again"
      : "Your phone is not connected: click Call my phone") : "Paused";
  // Persistent mode: the dialer keeps the phone connected; when it is down the agent can have it rung again.
  const phone = view.state.phone || "down";
  const keepsPhone = s !== "logged_out" && !view.state.per_call;
  $("ap-phone").hidden = !keepsPhone || phone === "up";
  $("ap-phone").disabled = phone === "ringing";
  $("ap-phone-state").hidden = !keepsPhone;
  $("ap-phone-state").textContent = keepsPhone ? `Phone: ${phone === "ringing" ? "calling you…" : phone}` : "";
  $("ap-manual").hidden = !(s === "ready" || s === "paused");
  $("ap-offer").hidden = !(s === "reserved" && view.offer);
  $("ap-call").hidden = !inCall;
  $("ap-hangup").hidden = s !== "on_call";
  $("ap-extend").hidden = s !== "wrap_up";
  $("ap-call-state").textContent = s === "wrap_up" ? "(ended: fill in the form)" : "";
  // The server's end of wrap-up: a reload or "More time" gives the same clock, not a restart.
  wrapClock.show(s === "wrap_up" ? view.state.wrap_up_until : null);
  $("ap-pending").textContent = view.pausePending ? `Pause after this call: ${view.pausePending}` : "";
  $("ap-ready").disabled = s === "ready";
}

async function loadCall() {
  const result = await api("GET", "call");
  view.call = result.ok ? result.call : null;
  if (view.call) renderCall(els, view.call);
  render();
}

function onMessage(msg) {
  switch (msg.type) {
    case "snapshot":
      view.state = msg.state;
      view.offer = msg.offer;
      view.call = msg.call;
      if (msg.offer) showOffer(msg.offer.card);
      if (msg.call) renderCall(els, msg.call);
      renderFigures(msg.figures);
      render();
      drafts.restore(toggleCallback);
      loadPrivate();
      handOver();
      break;
    case "agent.state":
      view.state = msg;
      if (msg.state === "ready" || msg.state === "paused" || msg.state === "logged_out") {
        view.pausePending = "";
        view.offer = null;
        if (view.call) { view.call = null; resetForm(els); drafts.reset(); }
      }
      if (msg.state === "logged_out") loadCampaigns();
      if (msg.state === "ready" || msg.state === "paused") loadPrivate();
      render();
      break;
    case "call.offered":
      view.offer = { card: msg.card, campaign_id: msg.campaign_id };
      showOffer(msg.card);
      render();
      break;
    case "call.offer_expired":
      view.offer = null;
      render();
      break;
    case "call.connected":
      view.offer = null;
      view.call = { call_id: msg.call_id, card: msg.card, dispositions: [] };
      renderCall(els, view.call);
      loadCall();
      break;
    case "call.ended":
    case "disposition.saved":
      if (view.call && msg.call_id === view.call.call_id) loadCall();
      break;
    case "figures":
      renderFigures(msg);
      break;
    case "auth.revoked":
      // Signed out in the extension: this page's session ends too.
      if (msg.by === "extension") document.querySelector('form[action="/logout"]')?.submit();
      break;
    default:
      break;
  }
}

function showOffer(card) {
  $("ap-offer-name").textContent = card.name || card.phone || "";
  fillFields($("ap-offer-fields"), card);
}

async function loadCampaigns() {
  const result = await api("GET", "campaigns");
  if (!result.ok) { showError(result.message); return; }
  const box = $("ap-campaigns");
  box.replaceChildren();
  for (const c of result.campaigns) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = String(c.id);
    input.name = "campaign";
    label.append(input, ` ${c.name} (${c.mode}, ${c.status})`);
    box.append(label);
  }
  if (!result.campaigns.length) box.textContent = "No campaign of your team is running.";
  const select = $("ap-pause-reason");
  select.replaceChildren(...result.pause_reasons.map((r) => new Option(r.name, String(r.id))));
}

async function loadPrivate() {
  const result = await api("GET", "private-contacts");
  const list = $("ap-private-list");
  list.replaceChildren();
  for (const c of result.ok ? result.contacts : []) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Dial";
    button.addEventListener("click", () => act("dial", { contact_id: c.id }));
    li.append(`${c.name || ""} ${c.phone}`, button);
    list.append(li);
  }
  if (!list.children.length) list.textContent = "None kept for you.";
}

let handedOver = false;
async function handOver() {
  if (handedOver) return;
  handedOver = true;
  const result = await handOverToExtension({ extId: root.dataset.extId, username: root.dataset.username,
    csrf: root.dataset.csrf });
  const note = $("ap-ext");
  note.hidden = result === "absent";
  note.dataset.result = result;
  note.textContent = result === "refused" ? "The browser extension could not be signed in."
    : "The browser extension is signed in.";
}

$("ap-join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const ids = [...document.querySelectorAll('#ap-campaigns input[name="campaign"]:checked')].map((i) => Number(i.value));
  if (!ids.length) { showError("Choose at least one campaign."); return; }
  await act("login", { campaign_ids: ids });
});
$("ap-ready").addEventListener("click", async () => { view.pausePending = ""; await act("ready"); render(); });
$("ap-pause").addEventListener("click", async () => {
  const select = $("ap-pause-reason");
  const result = await act("pause", { reason_id: Number(select.value) || null });
  const s = view.state.state;
  if (result.ok && (s === "on_call" || s === "wrap_up")) view.pausePending = select.selectedOptions[0]?.text || "pause";
  render();
});
$("ap-logout").addEventListener("click", () => act("logout"));
$("ap-phone").addEventListener("click", () => act("phone"));
$("ap-hangup").addEventListener("click", () => act("hangup"));
$("ap-extend").addEventListener("click", () => act("wrap-up/extend", { seconds: 60 }));
$("ap-offer-call").addEventListener("click", () => act("preview/call"));
$("ap-offer-skip").addEventListener("click", async () => {
  const skipped = view.offer;
  const result = await act("preview/skip");
  // The next offer can arrive over the socket before this reply does: clear only the skipped one.
  if (result.ok && view.offer === skipped) { view.offer = null; render(); }
});
els.disposition.addEventListener("change", () => toggleCallback(els));
$("ap-call-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!view.call) return;
  drafts.reset();
  await act("disposition", formValues(els, view.call.call_id));
});
$("ap-dnc").addEventListener("click", async () => {
  const call = view.call;
  if (!call) return;
  const phone = call.card?.phone || "this number";
  if (!window.confirm(`Put ${phone} on the do-not-call list? The dialer will not call it again.`)) return;
  const result = await act("dnc", { call_id: call.call_id });
  if (result.ok && view.call === call) { call.dnc = result.dnc; renderDnc(els, result.dnc); }
});
$("ap-dial-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const number = $("ap-dial-number").value.trim();
  if (number) await act("dial", { number });
});

loadCampaigns();
connectLive({
  url: "/ws/agent",
  topics: ["agent"],
  onMessage,
  onStatus: (status) => {
    const conn = $("ap-conn");
    conn.dataset.status = status;
    conn.textContent = status === "live" ? "live" : `${status}…`;
  },
});
