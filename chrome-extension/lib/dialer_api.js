// Calls to the dialer's agent API with the extension's bearer token, to the configured
// origin only. Returns {ok, status, ...body} and never throws for an HTTP error.

export async function callDialer(origin, token, method, path, body) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "omit" };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (method !== "GET") {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(new URL(`/api/v1/agent/${path}`, origin), init);
  } catch (err) {
    return { ok: false, status: 0, error: `The dialer cannot be reached (${err.message}).` };
  }
  let data = {};
  try { data = await response.json(); } catch (_) { /* empty */ }
  return { ...data, ok: response.ok, status: response.status };
}
