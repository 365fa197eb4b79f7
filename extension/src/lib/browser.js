// The one extension API handle for both browsers: Firefox's promise-based `browser`, or
// Chromium's `chrome` (promise-returning in MV3 for everything used here).
export const ext = globalThis.browser ?? globalThis.chrome;
