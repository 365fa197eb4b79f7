// Click-to-dial, on the sites the agent allowed (options page): tel: links and phone
// numbers in the text dial through the dialer instead of the system's phone handler.
(() => {
  if (globalThis.__dialerDial) return;
  globalThis.__dialerDial = true;
  const ext = globalThis.browser ?? globalThis.chrome;
  const NUMBER = /(?:\+|00)?\d[\d ().-]{6,18}\d/g;
  const SKIP = new Set(["SCRIPT", "STYLE", "TEXTAREA", "INPUT", "SELECT", "A", "BUTTON", "CODE", "PRE"]);

  async function dial(number, anchor) {
    anchor?.classList.add("dialer-dialing");
    const result = await ext.runtime.sendMessage({ type: "dial", number });
    anchor?.classList.remove("dialer-dialing");
    anchor?.setAttribute("title", result?.ok ? "Dialing through the dialer…" : (result?.error || "Could not dial"));
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href^="tel:"]') : null;
    if (!link) return;
    event.preventDefault();
    dial(decodeURIComponent(link.getAttribute("href").slice(4)), link);
  }, true);

  function linkify(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (SKIP.has(node.parentElement?.tagName) || !NUMBER.test(node.data)
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const node of nodes) {
      const parts = [];
      let last = 0;
      node.data.replace(NUMBER, (match, offset) => {
        if (match.replace(/\D/g, "").length < 8) return match;
        parts.push(document.createTextNode(node.data.slice(last, offset)));
        const a = document.createElement("a");
        a.href = `tel:${match.replace(/[^\d+]/g, "")}`;
        a.className = "dialer-number";
        a.textContent = match;
        parts.push(a);
        last = offset + match.length;
        return match;
      });
      if (!parts.length) continue;
      parts.push(document.createTextNode(node.data.slice(last)));
      node.replaceWith(...parts);
    }
  }
  linkify(document.body);
})();
