// The pop-up card: the customer's name, case / external id, campaign, attempt, phone and the
// campaign's chosen fields; the button (or a click anywhere on the card) opens the deep link.

import { ext } from "./lib/browser.js";
import { safeLink } from "./lib/cards.js";

const key = new URLSearchParams(location.search).get("key") || "";

function row(dl, label, value, field) {
  if (value === undefined || value === null || value === "") return;
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.textContent = String(value);
  dd.dataset.field = field;
  dl.append(dt, dd);
}

async function main() {
  const card = await ext.runtime.sendMessage({ type: "card", key });
  const root = document.getElementById("card");
  if (!card) { root.dataset.state = "missing"; return; }
  document.getElementById("kind").textContent = card.kind === "call.offered" ? "Preview" : "Connected call";
  document.getElementById("name").textContent = card.name || card.phone || "";
  document.title = `${card.name || card.phone} — ${card.campaign || "Dialer"}`;
  const dl = document.getElementById("fields");
  row(dl, "Case", card.external_id, "external_id");
  row(dl, "Campaign", card.campaign, "campaign");
  row(dl, "Attempt", card.attempt, "attempt");
  row(dl, "Phone", card.phone, "phone");
  for (const [name, value] of Object.entries(card.fields || {})) row(dl, name, value, `custom:${name}`);
  const link = safeLink(card.deep_link || "");
  const button = document.getElementById("open");
  button.hidden = !link;
  const open = (event) => {
    event.stopPropagation();
    if (link) ext.runtime.sendMessage({ type: "open-link", url: link });
  };
  button.addEventListener("click", open);
  root.addEventListener("click", open);
  root.dataset.state = "shown";
  root.dataset.key = key;
  // Painted: the frame after this one has the card on screen (the test reads this time).
  requestAnimationFrame(() => requestAnimationFrame(() => {
    root.dataset.paintedAt = String(performance.timeOrigin + performance.now());
  }));
}

main();
