// The one WebSocket client of the live pages (wallboard, agent panel): connect, subscribe,
// and reconnect by itself with exponential backoff, so a page outlives a backend restart.
//
//   const live = connectLive({url: "/ws/wallboard", topics: ["floor"],
//                             onMessage: (msg) => ..., onStatus: (status) => ...});
//
// Status is "connecting", "live" (after the server's snapshot), or "reconnecting". On every
// (re)connect the client sends {"type": "subscribe", "topics": [...]} again: the server
// answers with a fresh snapshot, so nothing missed while away is lost. A ping every
// `pingEveryMs` that gets no pong within `pongTimeoutMs` counts as a dead connection (a
// half-open TCP connection can stay silent for minutes otherwise).

export function connectLive({
  url, topics = ["floor"], onMessage, onStatus = () => {},
  minDelayMs = 500, maxDelayMs = 15000, pingEveryMs = 15000, pongTimeoutMs = 10000,
}) {
  const target = new URL(url, window.location.href);
  target.protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
  let ws = null;
  let failures = 0;
  let stopped = false;
  let pingTimer = null;
  let pongTimer = null;
  let retryTimer = null;

  function clearTimers() {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    pingTimer = pongTimer = null;
  }

  function scheduleRetry() {
    clearTimers();
    ws = null;
    if (stopped) return;
    // 0.5 s, 1 s, 2 s ... capped; jitter so a restarted server is not hit by every board at once.
    const delay = Math.min(maxDelayMs, minDelayMs * 2 ** failures) * (0.75 + Math.random() * 0.5);
    failures += 1;
    onStatus("reconnecting", { delayMs: Math.round(delay), failures });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(open, delay);
  }

  function drop() {
    // Give up on this socket without waiting for the browser to notice it is dead.
    if (!ws) return;
    const dead = ws;
    dead.onclose = dead.onmessage = dead.onerror = null;
    try { dead.close(); } catch (_) { /* already closed */ }
    scheduleRetry();
  }

  function open() {
    retryTimer = null;
    onStatus(failures ? "reconnecting" : "connecting", { failures });
    const socket = new WebSocket(target);
    ws = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "subscribe", topics }));
      pingTimer = setInterval(() => {
        if (socket.readyState !== WebSocket.OPEN) return;
        socket.send('{"type":"ping"}');
        clearTimeout(pongTimer);
        pongTimer = setTimeout(drop, pongTimeoutMs);
      }, pingEveryMs);
    };
    socket.onmessage = (event) => {
      let msg;
      try { msg = JSON.parse(event.data); } catch (_) { return; }
      if (msg.type === "pong") { clearTimeout(pongTimer); return; }
      if (msg.type === "snapshot") { failures = 0; onStatus("live", {}); }
      onMessage(msg);
    };
    socket.onerror = () => { /* a close event follows */ };
    socket.onclose = () => { if (ws === socket) scheduleRetry(); };
  }

  // Back online, or the tab shown again: try now rather than wait out the backoff.
  const retryNow = () => {
    if (!stopped && !ws) { clearTimeout(retryTimer); open(); }
  };
  window.addEventListener("online", retryNow);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) retryNow(); });

  open();
  return {
    send(message) {
      if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(message)); return true; }
      return false;
    },
    close() {
      stopped = true;
      clearTimers();
      clearTimeout(retryTimer);
      if (ws) { ws.onclose = null; ws.close(); ws = null; }
    },
  };
}
