// The pop-up card: one window per call (or preview offer), whatever number of tabs is open.
// Shown calls are remembered in storage.session, so a restarted background does not pop a
// card again for the same call.

import { ext } from "./browser.js";

const SHOWN_KEEP = 50;

export function cardKey(event) {
  if (event.type === "call.offered") return `offer-${event.card?.contact_id}-${event.expires_at}`;
  return `call-${event.call_id}`;
}

export async function popCard(event) {
  const key = cardKey(event);
  const { shown = [] } = await ext.storage.session.get("shown");
  if (shown.includes(key)) return false;
  await ext.storage.session.set({
    shown: [...shown, key].slice(-SHOWN_KEEP),
    [`card:${key}`]: { ...event.card, kind: event.type, call_id: event.call_id ?? null, received_at: Date.now() },
  });
  await ext.windows.create({ type: "popup", url: ext.runtime.getURL(`card.html?key=${encodeURIComponent(key)}`),
    width: 420, height: 520, focused: true });
  return true;
}

export function safeLink(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : "";
  } catch (_) { return ""; }
}
