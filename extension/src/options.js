// Options: the dialer's address (the only origin the extension talks to), the sites where
// click-to-dial works (host permission asked per site), and the fallback sign-in form.

import { ext } from "./lib/browser.js";
import { loadAuth, loadSettings, normaliseOrigin, saveSettings } from "./lib/settings.js";

const $ = (id) => document.getElementById(id);

async function render() {
  const { origin, dialOrigins } = await loadSettings();
  $("origin").value = origin;
  $("dial-origins").value = dialOrigins.join("\n");
  const auth = await loadAuth();
  $("status").textContent = auth ? `Signed in as ${auth.username}.` : "Not signed in.";
  $("status").dataset.signedIn = auth ? "yes" : "no";
  const propose = new URLSearchParams(location.search).get("propose");
  const proposed = propose ? normaliseOrigin(propose) : "";
  $("propose").hidden = !proposed || proposed === origin;
  $("propose-origin").textContent = proposed;
}

$("confirm").addEventListener("click", async () => {
  const origin = normaliseOrigin(new URLSearchParams(location.search).get("propose"));
  await ext.runtime.sendMessage({ type: "confirm-origin", origin });
  $("saved").textContent = "Saved.";
  await render();
});

$("settings").addEventListener("submit", async (event) => {
  event.preventDefault();
  const origin = normaliseOrigin($("origin").value);
  const dialOrigins = $("dial-origins").value.split(/\s+/).map(normaliseOrigin).filter(Boolean);
  if (!origin) { $("saved").textContent = "The dialer address must start with http:// or https://."; return; }
  // Asked from this click (a user gesture), as both browsers require.
  const wanted = [origin, ...dialOrigins].map((o) => `${o}/*`);
  const granted = await ext.permissions.request({ origins: wanted }).catch(() => false);
  await saveSettings({ origin, dialOrigins });
  await ext.runtime.sendMessage({ type: "settings-changed" });
  $("saved").textContent = granted ? "Saved." : "Saved; allow the sites when the browser asks, or click-to-dial stays off.";
  await render();
});

$("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await ext.runtime.sendMessage({ type: "sign-in", origin: $("origin").value,
    username: $("username").value, password: $("password").value });
  $("password").value = "";
  $("sign-in-error").textContent = result?.ok ? "" : (result?.error || "Sign-in failed.");
  await render();
});

$("sign-out").addEventListener("click", async () => {
  await ext.runtime.sendMessage({ type: "sign-out" });
  await render();
});

ext.storage.onChanged.addListener(() => render());
render();
