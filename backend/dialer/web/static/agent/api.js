// The agent API from the panel: JSON in and out, the session's CSRF token in a header.
// Errors come back as {ok: false, status, message} so the panel can show the engine's words.

export function agentApi(csrf) {
  return async function call(method, path, body) {
    const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (method !== "GET") {
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRF-Token"] = csrf;
      init.body = JSON.stringify(body ?? {});
    }
    const response = await fetch(`/api/v1/agent/${path}`, init);
    let data = {};
    try { data = await response.json(); } catch (_) { /* empty body */ }
    if (!response.ok) {
      return { ok: false, status: response.status, message: data.error || response.statusText };
    }
    return { ok: true, ...data };
  };
}

export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}
