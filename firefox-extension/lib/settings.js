// What the agent configured (storage.local: survives restarts) and the session's sign-in
// (storage.session: gone when the browser closes; the token also expires after 12 h).

import { ext } from "./browser.js";
import { DEPLOYMENT_ORIGIN } from "./deployment.js";

export function normaliseOrigin(value) {
  try {
    const url = new URL(String(value).trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return "";
    return url.origin;
  } catch (_) { return ""; }
}

export async function loadSettings() {
  // A deployment build knows its dialer; what the agent saved in the options still wins.
  const { origin = DEPLOYMENT_ORIGIN, dialOrigins = [] } = await ext.storage.local.get(["origin", "dialOrigins"]);
  return { origin, dialOrigins };
}

export async function saveSettings(values) {
  await ext.storage.local.set(values);
}

export async function loadAuth() {
  const { auth = null } = await ext.storage.session.get("auth");
  if (auth && auth.expires_at && Date.parse(auth.expires_at) <= Date.now()) return null;
  return auth;
}

export async function saveAuth(auth) {
  if (auth) await ext.storage.session.set({ auth });
  else await ext.storage.session.remove(["auth", "live"]);
}

export function wsUrl(origin, token) {
  const url = new URL("/ws/agent", origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", token);
  return url.href;
}
