// The background's one connection to /ws/agent: kept alive (a ping every 20 s keeps a
// Chromium service worker running; an extension API call every 20 s keeps Firefox's event
// page from being suspended) and reconnected with backoff. An alarm every 30 s reconnects
// after the browser has stopped the background anyway.

import { ext } from "./browser.js";
import { wsUrl } from "./settings.js";

const KEEPALIVE_MS = 20_000;
const PONG_TIMEOUT_MS = 10_000;

export class LiveConnection {
  constructor({ onMessage, onStatus, onRejected }) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.onRejected = onRejected;
    this.ws = null;
    this.failures = 0;
    this.timers = {};
    this.target = null;
  }

  get open() { return this.ws !== null; }

  start(origin, token) {
    const target = wsUrl(origin, token);
    if (this.ws && this.target === target) return;
    this.stop();
    this.target = target;
    this.connect();
  }

  stop() {
    this.target = null;
    this.clear();
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onmessage = ws.onerror = null;
      try { ws.close(); } catch (_) { /* closed */ }
    }
  }

  clear() {
    for (const name of Object.keys(this.timers)) {
      clearTimeout(this.timers[name]);
      clearInterval(this.timers[name]);
    }
    this.timers = {};
  }

  connect() {
    if (!this.target) return;
    this.onStatus("connecting");
    const ws = new WebSocket(this.target);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.timers.keepalive = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) {
          ws.send('{"type":"ping"}');
          clearTimeout(this.timers.pong);
          this.timers.pong = setTimeout(() => this.drop(ws), PONG_TIMEOUT_MS);
        }
        ext.runtime.getPlatformInfo().catch(() => {}); // Firefox: activity keeps the background up
      }, KEEPALIVE_MS);
    };
    ws.onmessage = (event) => {
      let msg;
      try { msg = JSON.parse(event.data); } catch (_) { return; }
      if (msg.type === "pong") { clearTimeout(this.timers.pong); return; }
      if (msg.type === "snapshot") { this.failures = 0; this.onStatus("live"); }
      this.onMessage(msg);
    };
    ws.onerror = () => { /* a close follows */ };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      // 4401 after the socket was open: signed out elsewhere. A refused handshake (never
      // opened) may be a dead token or a server that is down: ask the API which.
      if (event.code === 4401) { this.stop(); this.onRejected(); return; }
      if (!opened && this.failures >= 1) { this.clear(); this.ws = null; this.onRejected(); return; }
      this.retry(!opened);
    };
  }

  drop(ws) {
    if (this.ws !== ws) return;
    ws.onclose = null;
    try { ws.close(); } catch (_) { /* closed */ }
    this.retry(false);
  }

  retry(neverOpened) {
    this.clear();
    this.ws = null;
    if (!this.target) return;
    const delay = Math.min(15_000, 500 * 2 ** this.failures) * (0.75 + Math.random() * 0.5);
    this.failures += 1;
    this.onStatus("offline", { neverOpened });
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }
}
