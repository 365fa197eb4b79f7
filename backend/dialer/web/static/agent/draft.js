// The call form kept as a draft while the agent types: sent a second after the last change
// and when the form loses focus, so that a wrap-up ending by itself keeps the notes and the
// choice (the dialer records them), and a reloaded panel gets them back. Saving the
// disposition itself is still the form's submit.

import { clockSkew } from "/static/agent/countdown.js";

const QUIET_MS = 1000;

function localInput(iso) {
  // An instant -> the value of an <input type="datetime-local"> in this browser's zone.
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function draftKeeper({ api, els, form, callId, onStatus = () => {} }) {
  let timer = null;
  let saved = "";  // the form as the dialer last acknowledged it

  function values() {
    const id = callId();
    if (!id) return null;
    const callback = !els.callbackRow.hidden && els.callback.value ? new Date(els.callback.value) : null;
    return {
      call_id: id,
      disposition_id: Number(els.disposition.value) || null,
      notes: els.notes.value,
      callback_at: callback && !Number.isNaN(callback.getTime()) ? callback.toISOString() : null,
    };
  }

  let sending = Promise.resolve();

  // One request at a time, in order: an older draft never lands after a newer one.
  function save() {
    clearTimeout(timer);
    timer = null;
    sending = sending.then(send, send);
    return sending;
  }

  async function send() {
    const body = values();
    if (!body) return;
    const key = JSON.stringify(body);
    if (key !== saved) {
      let result;
      try {
        result = await api("POST", "draft", body);
      } catch (_) {  // the network, not the server: the next change tries again
        result = { ok: false, status: 0, message: "the dialer could not be reached" };
      }
      // A 409 is a call that closed meanwhile (saved, or wrap-up over): nothing left to keep.
      if (!result.ok) {
        if (result.status !== 409) onStatus(`Draft not saved: ${result.message}`);
        return;
      }
      saved = key;
    }
    // "Saved" only when what the form shows is what the dialer holds.
    if (!timer && key === JSON.stringify(values())) onStatus("Draft saved");
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(save, QUIET_MS);
    onStatus("");  // "Draft saved" again only once this change is kept
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  form.addEventListener("focusout", () => { if (timer) save(); });

  return {
    // The form was submitted or cleared: nothing pending is sent for a closed call.
    reset() {
      clearTimeout(timer);
      timer = null;
      saved = "";
      onStatus("");
    },
    // After a reload: the server's draft of this call back into an untouched form.
    async restore(toggleCallback) {
      const response = await fetch("/api/v1/agent/draft", { headers: { Accept: "application/json" },
        credentials: "same-origin" });
      clockSkew(response);
      if (!response.ok) return;
      const { draft } = await response.json();
      if (!draft || draft.call_id !== callId() || els.notes.value || els.disposition.value) return;
      els.notes.value = draft.notes || "";
      if (draft.disposition_id) els.disposition.value = String(draft.disposition_id);
      toggleCallback(els);
      if (draft.callback_at) els.callback.value = localInput(draft.callback_at);
      saved = JSON.stringify(values());
      onStatus("Draft restored");
    },
  };
}
