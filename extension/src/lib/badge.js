// The agent's state on the toolbar icon: a short badge and a tooltip.

import { ext } from "./browser.js";

const BADGES = {
  ready: ["RDY", "#15803d"], paused: ["PAU", "#b45309"], on_call: ["CALL", "#1d4ed8"],
  reserved: ["CALL", "#1d4ed8"], ringing: ["CALL", "#1d4ed8"], wrap_up: ["WRAP", "#7e22ce"],
  logged_out: ["OUT", "#6b7280"], offline: ["…", "#6b7280"], signed_out: ["", "#6b7280"],
};

export async function showState(state, detail = "") {
  const [text, color] = BADGES[state] ?? ["?", "#6b7280"];
  try {
    await ext.action.setBadgeText({ text });
    await ext.action.setBadgeBackgroundColor({ color });
    await ext.action.setTitle({ title: `Dialer: ${state.replace("_", " ")}${detail ? ` — ${detail}` : ""}` });
  } catch (_) { /* the action API may be missing in a test harness */ }
}
