// The toolbar popup: my state (ready / pause with a reason / leave), the current call, today's figures.

import { ext } from "./lib/browser.js";

const $ = (id) => document.getElementById(id);

function duration(s) {
  const total = Math.round(s || 0);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

async function action(path, body) {
  const result = await ext.runtime.sendMessage({ type: "action", path, body });
  $("error").textContent = result?.ok ? "" : (result?.error || "");
  await render();
}

async function render() {
  const s = await ext.runtime.sendMessage({ type: "popup-state" });
  $("signed-out").hidden = Boolean(s?.signedIn);
  $("signed-in").hidden = !s?.signedIn;
  if (!s?.signedIn) return;
  const state = s.state?.state || "logged_out";
  $("who").textContent = s.name || s.username;
  $("state").textContent = state.replace("_", " ") + (s.state?.reason ? `: ${s.state.reason}` : "");
  $("state").dataset.state = state;
  // The phone the dialer keeps connected is down (hung up, lost): the agent can have it rung again.
  const phone = s.state?.phone;
  $("phone").hidden = state === "logged_out" || s.state?.per_call || !phone || phone === "up";
  $("phone").disabled = phone === "ringing";
  $("conn").textContent = s.connected ? "" : "(connecting…)";
  const card = s.call?.card;
  $("call").hidden = !card;
  if (card) {
    $("call-name").textContent = card.name || card.phone;
    $("call-detail").textContent = [card.external_id, card.campaign, card.phone].filter(Boolean).join(" · ");
  }
  const f = s.figures || {};
  $("figures").textContent = `Today: ${f.calls_today ?? 0} calls, talk ${duration(f.talk_s_today)}`;
}

async function loadReasons() {
  const result = await ext.runtime.sendMessage({ type: "action", method: "GET", path: "campaigns" });
  const select = $("reason");
  select.replaceChildren(...(result?.pause_reasons || []).map((r) => new Option(r.name, String(r.id))));
}

$("open-options").addEventListener("click", () => ext.runtime.openOptionsPage());
$("ready").addEventListener("click", () => action("ready"));
$("phone").addEventListener("click", () => action("phone"));
$("pause").addEventListener("click", () => action("pause", { reason_id: Number($("reason").value) || null }));
$("logout").addEventListener("click", () => action("logout"));
$("sign-out").addEventListener("click", async () => {
  await ext.runtime.sendMessage({ type: "sign-out" });
  await render();
});
ext.storage.onChanged.addListener((changes, area) => { if (area === "session") render(); });
render().then(loadReasons);
