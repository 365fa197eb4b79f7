// Hands the panel's login to the browser extension: a scoped, expiring agent token, given
// only to our extension. Chromium: runtime.sendMessage(EXT_ID) (externally_connectable for
// this origin). Firefox (and Chromium on other origins): the extension's content script
// relays window.postMessage; it checks the message comes from this very window and origin.

const CHANNEL = "dialer-extension";
const WAIT_MS = 1500;

function viaRuntime(extId) {
  const runtime = globalThis.chrome?.runtime;
  if (!runtime?.sendMessage || !extId) return null;
  return (message) => new Promise((resolve) => {
    try {
      runtime.sendMessage(extId, message, (reply) => {
        void runtime.lastError; // "no receiving end": the extension is not installed
        resolve(reply ?? null);
      });
    } catch (_) { resolve(null); }
  });
}

function viaRelay() {
  let next = 1;
  return (message) => new Promise((resolve) => {
    const id = `${Date.now()}-${next++}`;
    const timer = setTimeout(() => { window.removeEventListener("message", onReply); resolve(null); }, WAIT_MS);
    function onReply(event) {
      if (event.source !== window || event.origin !== window.location.origin) return;
      const data = event.data;
      if (!data || data.channel !== CHANNEL || data.dir !== "from-extension" || data.id !== id) return;
      clearTimeout(timer);
      window.removeEventListener("message", onReply);
      resolve(data.reply ?? null);
    }
    window.addEventListener("message", onReply);
    window.postMessage({ channel: CHANNEL, dir: "to-extension", id, message }, window.location.origin);
  });
}

async function findExtension(extId) {
  for (const send of [viaRuntime(extId), viaRelay()]) {
    if (!send) continue;
    const status = await send({ type: "status" });
    if (status) return { send, status };
  }
  return null;
}

// Returns what happened, for the panel's little status line: absent, already, handed, refused.
export async function handOverToExtension({ extId, username, csrf }) {
  const ext = await findExtension(extId);
  if (!ext) return "absent";
  if (ext.status.signedIn && ext.status.username === username) return "already";
  const response = await fetch("/api/v1/tokens", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify({ scopes: ["agent"], hours: 12, name: "browser extension" }),
  });
  if (!response.ok) return "refused";
  const issued = await response.json();
  const reply = await ext.send({ type: "token", token: issued.token, username, expires_at: issued.expires_at });
  return reply?.ok ? "handed" : "refused";
}
