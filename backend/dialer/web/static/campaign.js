// The campaign page's live part: counters and "why it is not dialing", refreshed every 5 s
// from GET /api/v1/campaigns/{id} (the session cookie authenticates it).

const root = document.getElementById("campaign-live");
const PERIOD_MS = 5000;
// Words for the statuses and outcomes the API sends as values (dialer/labels.py, via the page).
const LABELS = JSON.parse(root?.dataset.labels || "{}");
const word = (value) => LABELS[value] || value;

function setText(key, value) {
  const el = document.querySelector(`[data-live="${key}"]`);
  if (el) el.textContent = value;
}

function rows(table, entries, empty) {
  table.replaceChildren();
  if (!entries.length) entries = [[empty, ""]];
  for (const [name, n] of entries) {
    const tr = document.createElement("tr");
    const a = document.createElement("td");
    const b = document.createElement("td");
    a.textContent = name;
    b.textContent = n;
    b.className = "r";
    tr.append(a, b);
    table.append(tr);
  }
}

function render(state) {
  setText("status", word(state.status));
  const badge = document.querySelector('[data-live="status"]');
  if (badge) badge.className = `status status-${state.status}`;
  // The heading follows the reasons: a page left open must not say "not dialing" once it dials.
  setText("heading", state.diagnosis.dialing ? "It is dialing" : "Why it is not dialing");
  setText("at", state.at.slice(0, 19).replace("T", " "));
  for (const [status, n] of Object.entries(state.contacts)) setText(`contacts.${status}`, n);
  const attempts = document.querySelector('[data-live="attempts_today"]');
  if (attempts) rows(attempts, Object.entries(state.attempts_today).map(([k, n]) => [word(k), n]), "none yet");
  const list = document.querySelector('[data-live="reasons"]');
  if (!list) return;
  list.replaceChildren();
  const reasons = state.diagnosis.reasons.length ? state.diagnosis.reasons
    : [{ code: "ok", message: "Nothing stops it: it dials as agents become free." }];
  for (const r of reasons) {
    const li = document.createElement("li");
    li.className = `reason ${r.code === "ok" ? "ok" : "reason-" + r.code}`;
    li.textContent = r.message;
    list.append(li);
  }
}

async function refresh() {
  try {
    const response = await fetch(`/api/v1/campaigns/${root.dataset.campaignId}`, {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    if (response.ok) render(await response.json());
  } catch (err) {
    // Offline for a moment: keep the last numbers and try again on the next tick.
  }
}

if (root) setInterval(refresh, PERIOD_MS);
