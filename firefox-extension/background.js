// The extension's background (Chromium service worker / Firefox event page): signed-in
// state, the one live connection, pop-up cards, and the requests of the popup, the card,
// the options page, the panel's hand-over and click-to-dial.

import { ext } from "./lib/browser.js";
import { showState } from "./lib/badge.js";
import { popCard, safeLink } from "./lib/cards.js";
import { callDialer } from "./lib/dialer_api.js";
import { LiveConnection } from "./lib/live.js";
import { loadAuth, loadSettings, normaliseOrigin, saveAuth, saveSettings } from "./lib/settings.js";

const RELAY_ID = "dialer-relay";
const DIAL_ID = "dialer-click-to-dial";

const live = new LiveConnection({
  onMessage: (msg) => { handleEvent(msg).catch((err) => console.error("dialer event", err)); },
  onStatus: (status) => { if (status !== "live") showState("offline", status); },
  onRejected: () => { checkToken().catch(() => {}); },
});

async function handleEvent(msg) {
  const { live: current = {} } = await ext.storage.session.get("live");
  const next = { ...current };
  switch (msg.type) {
    case "snapshot":
      Object.assign(next, { state: msg.state, call: msg.call, figures: msg.figures, name: msg.name });
      if (msg.call && msg.call.card) await popCard({ type: "call.connected", call_id: msg.call.call_id, card: msg.call.card });
      break;
    case "agent.state":
      next.state = msg;
      if (["ready", "paused", "logged_out"].includes(msg.state)) next.call = null;
      break;
    case "call.connected":
      next.call = { call_id: msg.call_id, card: msg.card };
      await popCard(msg);
      break;
    case "call.offered":
      next.offer = { card: msg.card };
      await popCard(msg);
      break;
    case "figures":
      next.figures = msg;
      break;
    case "auth.revoked":
      await signOutLocally();
      return;
    default:
      break;
  }
  await ext.storage.session.set({ live: next });
  const state = next.state?.state ?? "logged_out";
  await showState(state, next.state?.reason ?? "");
}

async function checkToken() {
  const auth = await loadAuth();
  const { origin } = await loadSettings();
  if (!auth || !origin) { await signOutLocally(); return; }
  const result = await callDialer(origin, auth.token, "GET", "state");
  if (result.status === 401 || result.status === 403) await signOutLocally();
  else live.retry(true);
}

async function signOutLocally() {
  live.stop();
  await saveAuth(null);
  await showState("signed_out");
}

async function ensureConnected() {
  const auth = await loadAuth();
  const { origin } = await loadSettings();
  if (auth && origin && auth.origin === origin) live.start(origin, auth.token);
  else if (!auth) await showState("signed_out");
}

// -- content scripts for the configured origins --------------------------------------------

async function registerScripts() {
  const { origin, dialOrigins } = await loadSettings();
  try {
    const existing = (await ext.scripting.getRegisteredContentScripts()).map((s) => s.id);
    if (existing.length) await ext.scripting.unregisterContentScripts({ ids: existing });
    const scripts = [];
    if (origin) scripts.push({ id: RELAY_ID, js: ["relay.js"], matches: [`${origin}/*`], runAt: "document_start" });
    const allowed = [];
    for (const o of dialOrigins) {
      if (await ext.permissions.contains({ origins: [`${o}/*`] })) allowed.push(`${o}/*`);
    }
    if (allowed.length) scripts.push({ id: DIAL_ID, js: ["dial.js"], css: ["dial.css"], matches: allowed, runAt: "document_idle" });
    if (scripts.length) await ext.scripting.registerContentScripts(scripts);
  } catch (err) {
    console.warn("dialer: content scripts not registered", err);
  }
}

// -- requests ------------------------------------------------------------------------------

function originOf(sender) {
  if (sender.origin) return sender.origin;
  try { return new URL(sender.url).origin; } catch (_) { return ""; }
}

async function fromPanel(message, origin) {
  const { origin: configured } = await loadSettings();
  const auth = await loadAuth();
  if (message.type === "status") {
    if (configured && origin !== configured) return { signedIn: false, foreign: true };
    return { signedIn: Boolean(auth), username: auth?.username ?? null };
  }
  if (message.type !== "token" || typeof message.token !== "string" || !message.token.startsWith("dlr_")) {
    return { ok: false };
  }
  const token = { token: message.token, username: String(message.username || ""), expires_at: message.expires_at,
    origin };
  if (!configured) {
    // First use: the agent confirms this dialer in the options page before anything is kept.
    await ext.storage.session.set({ pending: token });
    await ext.windows.create({ type: "popup", width: 520, height: 560,
      url: ext.runtime.getURL(`options.html?propose=${encodeURIComponent(origin)}`) });
    return { ok: true, pending: true };
  }
  if (origin !== configured) return { ok: false };
  await saveAuth(token);
  await ensureConnected();
  return { ok: true };
}

async function fromExtension(message, sender) {
  const { origin, dialOrigins } = await loadSettings();
  const auth = await loadAuth();
  switch (message.type) {
    case "relay":
      return fromPanel(message.message ?? {}, originOf(sender));
    case "popup-state": {
      const { live: current = {} } = await ext.storage.session.get("live");
      return { signedIn: Boolean(auth), origin, username: auth?.username ?? null, connected: live.open, ...current };
    }
    case "card": {
      const key = `card:${message.key}`;
      return (await ext.storage.session.get(key))[key] ?? null;
    }
    case "open-link": {
      const url = safeLink(message.url);
      if (url) await ext.tabs.create({ url });
      return { ok: Boolean(url) };
    }
    case "action":
      if (!auth || !origin) return { ok: false, error: "Sign in first." };
      return callDialer(origin, auth.token, message.method || "POST", message.path, message.body);
    case "dial": {
      if (!auth || !origin) return { ok: false, error: "Sign in to the dialer first." };
      if (!dialOrigins.includes(originOf(sender))) return { ok: false, error: "Click-to-dial is off on this site." };
      return callDialer(origin, auth.token, "POST", "dial", { number: String(message.number || "") });
    }
    case "sign-in": {
      const target = normaliseOrigin(message.origin) || origin;
      if (!target) return { ok: false, error: "Set the dialer's address first." };
      const result = await callDialer(target, null, "POST", "token",
        { username: message.username, password: message.password });
      if (!result.ok) return { ok: false, error: result.error || "Sign-in failed." };
      await saveSettings({ origin: target });
      await saveAuth({ token: result.token, username: result.username, expires_at: result.expires_at, origin: target });
      await registerScripts();
      await ensureConnected();
      return { ok: true };
    }
    case "sign-out": {
      if (auth && origin) await callDialer(origin, auth.token, "POST", "sign-out");
      await signOutLocally();
      return { ok: true };
    }
    case "confirm-origin": {
      const { pending = null } = await ext.storage.session.get("pending");
      const confirmed = normaliseOrigin(message.origin);
      await saveSettings({ origin: confirmed });
      await ext.storage.session.remove("pending");
      if (pending && pending.origin === confirmed) await saveAuth(pending);
      await registerScripts();
      await ensureConnected();
      return { ok: true };
    }
    case "settings-changed":
      await registerScripts();
      await ensureConnected();
      return { ok: true };
    default:
      return { ok: false };
  }
}

// Listeners first, synchronously: a restarted service worker gets the event that woke it.
ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== ext.runtime.id) return false;
  fromExtension(message ?? {}, sender).then(sendResponse, (err) => sendResponse({ ok: false, error: String(err) }));
  return true;
});
ext.runtime.onMessageExternal?.addListener((message, sender, sendResponse) => {
  fromPanel(message ?? {}, originOf(sender)).then(sendResponse, () => sendResponse({ ok: false }));
  return true;
});
ext.alarms.onAlarm.addListener((alarm) => { if (alarm.name === "reconnect") ensureConnected(); });
ext.runtime.onInstalled.addListener(() => { registerScripts(); });
ext.runtime.onStartup.addListener(() => { registerScripts(); });
ext.alarms.create("reconnect", { periodInMinutes: 0.5 });
ensureConnected();
