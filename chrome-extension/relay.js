// Content script on the dialer's own origin: relays the agent panel's messages (status,
// token hand-over) to the background. Only messages from this very window and origin are
// relayed; replies say only "ok" or who is signed in, never a token.
(() => {
  if (globalThis.__dialerRelay) return; // declared and registered for the same origin: run once
  globalThis.__dialerRelay = true;
  const ext = globalThis.browser ?? globalThis.chrome;
  const CHANNEL = "dialer-extension";
  window.addEventListener("message", async (event) => {
    if (event.source !== window || event.origin !== window.location.origin) return;
    const data = event.data;
    if (!data || data.channel !== CHANNEL || data.dir !== "to-extension") return;
    let reply = null;
    try {
      reply = await ext.runtime.sendMessage({ type: "relay", message: data.message });
    } catch (_) { reply = null; }
    window.postMessage({ channel: CHANNEL, dir: "from-extension", id: data.id, reply: reply ?? null },
      window.location.origin);
  });
})();
