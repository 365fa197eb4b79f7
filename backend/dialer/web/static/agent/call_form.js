// The call form and the preview card: every contact field, the campaign's dispositions, a
// callback date and time when the disposition asks for it, "private" where allowed.

export function fillFields(dl, card) {
  dl.replaceChildren();
  const rows = [["Name", card.name], ["Phone", card.phone], ["Case / external id", card.external_id],
    ["Campaign", card.campaign], ["Attempt", card.attempt]];
  for (const [key, value] of Object.entries(card.all_fields || card.fields || {})) rows.push([key, value]);
  for (const [label, value] of rows) {
    if (value === undefined || value === null || value === "") continue;
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    dd.dataset.field = label;
    dl.append(dt, dd);
  }
}

export function safeLink(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : "";
  } catch (_) { return ""; }
}

export function renderCall(els, view) {
  const card = view.card || {};
  els.name.textContent = card.name || card.phone || "";
  fillFields(els.fields, card);
  const link = safeLink(card.deep_link || "");
  els.link.hidden = !link;
  if (link) els.link.href = link;
  const current = els.disposition.value;
  els.disposition.replaceChildren(new Option("— choose —", ""));
  for (const d of view.dispositions || []) {
    // Saving with it bars the number: the agent should know before choosing it.
    const option = new Option(d.adds_dnc ? `${d.name} (no more calls to this number)` : d.name, String(d.id));
    option.dataset.callback = d.callback ? "1" : "";
    option.dataset.code = d.code;
    els.disposition.append(option);
  }
  if (current) els.disposition.value = current;
  els.privateRow.hidden = !view.private_allowed;
  if (els.dnc) renderDnc(els, view.dnc || null);
  toggleCallback(els);
}

// The DNC button's outcome, in the agent's words: where and until when the number is barred.
export function dncText(dnc) {
  if (!dnc) return "";
  const where = dnc.scope === "campaign" ? "in this campaign" : "in every campaign";
  const until = dnc.expires_at ? ` until ${new Date(dnc.expires_at).toLocaleDateString()}` : "";
  return `${dnc.phone} is on the do-not-call list ${where}${until}.`;
}

export function renderDnc(els, dnc) {
  els.dncState.textContent = dncText(dnc);
  els.dncState.hidden = !dnc;
  els.dnc.disabled = Boolean(dnc);
}

export function toggleCallback(els) {
  const chosen = els.disposition.selectedOptions[0];
  const needs = Boolean(chosen?.dataset.callback);
  els.callbackRow.hidden = !needs;
  els.callback.required = needs;
}

export function formValues(els, callId) {
  const body = {
    call_id: callId,
    disposition_id: Number(els.disposition.value),
    notes: els.notes.value,
    private: Boolean(els.privateRow.hidden ? false : els.private.checked),
  };
  if (!els.callbackRow.hidden && els.callback.value) {
    body.callback_at = new Date(els.callback.value).toISOString(); // the agent's local time, with a zone
  }
  return body;
}

export function resetForm(els) {
  els.notes.value = "";
  els.disposition.value = "";
  els.callback.value = "";
  els.private.checked = false;
  if (els.dnc) renderDnc(els, null);
  toggleCallback(els);
}
