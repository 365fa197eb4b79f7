// The wrap-up countdown: the time left until the server's wrap-up end (`wrap_up_until` in the
// agent's state), so it survives a reload and moves when the agent asks for more time. The
// end is the server's clock: `clockSkew` corrects for a PC whose clock is off (from the Date
// header of an API reply; whole seconds, so a skew under two seconds is ignored).

import { formatDuration } from "/static/agent/api.js";

let skewMs = 0;

export function clockSkew(response) {
  const date = Date.parse(response?.headers?.get("Date") || "");
  if (Number.isNaN(date)) return;
  const skew = date - Date.now();
  skewMs = Math.abs(skew) >= 2000 ? skew : 0;
}

export function secondsLeft(until, nowMs = Date.now()) {
  const end = Date.parse(until || "");
  return Number.isNaN(end) ? null : Math.max(0, (end - (nowMs + skewMs)) / 1000);
}

// Shows the time left in `el` (data-remaining: whole seconds, for tests and styles) until
// `show(null)`. One timer at a time; a second of resolution is all an agent needs.
export function countdown(el) {
  let timer = null;
  let until = null;

  function paint() {
    const left = secondsLeft(until);
    if (left === null) { stop(); return; }
    const whole = Math.ceil(left);
    el.dataset.remaining = String(whole);
    el.textContent = whole > 0 ? `Wrap-up ends in ${formatDuration(whole)}` : "Wrap-up time is up";
    el.classList.toggle("ap-wrap-late", whole <= 10);
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    until = null;
    el.textContent = "";
    delete el.dataset.remaining;
    el.classList.remove("ap-wrap-late");
  }

  return {
    show(newUntil) {
      if (!newUntil) { stop(); return; }
      until = newUntil;
      paint();
      if (!timer) timer = setInterval(paint, 250);
    },
  };
}
