// Firefox ESR with the Firefox extension installed (puppeteer-core over WebDriver BiDi):
// logging into the panel signs the extension in, a connected call pops the card, logging
// out of the panel signs the extension out. Run by tests/e2e/test_extension_firefox.py:
//   node extension.test.mjs <dialer base URL> <username> <password> <campaign name>
// It prints "CARD <json>" per card and "OK" at the end; any failure exits non-zero.

import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

const [base, username, password, campaign] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, "../../../firefox-extension");
const deadline = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), ms));

// Extension pages report url() as about:blank under BiDi: ask the page itself.
async function nextPageMatching(browser, fragment, ms = 15000) {
  return Promise.race([deadline(ms, fragment), new Promise((resolve) => {
    const onTarget = async (target) => {
      if (target.type() !== "page") return;
      const page = await target.page();
      for (let i = 0; i < 100; i += 1) {
        const href = await page.evaluate(() => location.href).catch(() => "");
        if (href.includes(fragment)) { browser.off("targetcreated", onTarget); resolve({ page, href }); return; }
        if (href && href !== "about:blank") return;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    browser.on("targetcreated", onTarget);
  })]);
}

async function waitFor(page, fn, ms = 10000, what = "condition", ...args) {
  await page.waitForFunction(fn, { timeout: ms, polling: 50 }, ...args).catch((err) => {
    throw new Error(`${what}: ${err.message}`);
  });
}

const browser = await puppeteer.launch({ browser: "firefox", executablePath: "/usr/bin/firefox-esr", headless: true });
try {
  await browser.installExtension(extensionDir);
  const panel = await browser.newPage();

  // Log into the panel: the extension is handed a token and asks to confirm this dialer.
  const confirming = nextPageMatching(browser, "options.html?propose=");
  await panel.goto(`${base}/login?next=/agent`);
  await panel.type("input[name=username]", username);
  await panel.type("input[name=password]", password);
  await Promise.all([panel.waitForNavigation(), panel.click("button[type=submit]")]);
  const { page: confirm } = await confirming;
  await confirm.waitForSelector("#confirm", { visible: true });
  await confirm.click("#confirm");
  await waitFor(confirm, () => document.getElementById("status").dataset.signedIn === "yes", 10000, "signed in");
  // The options page stays open: it follows the extension's sign-in state (storage events).

  // Join, ready: the connected call pops the card with the customer's data.
  await waitFor(panel, () => document.getElementById("ap-conn").textContent === "live", 10000, "panel live");
  await waitFor(panel, (name) => [...document.querySelectorAll("#ap-campaigns label")]
    .some((l) => l.textContent.includes(name)), 10000, "campaigns listed", campaign);
  await panel.evaluate((name) => {
    for (const label of document.querySelectorAll("#ap-campaigns label")) {
      if (label.textContent.includes(name)) label.querySelector("input").checked = true;
    }
  }, campaign);
  await panel.click("#ap-join-btn");
  await waitFor(panel, () => document.getElementById("ap-state").dataset.state === "paused", 10000, "joined");
  const carding = nextPageMatching(browser, "card.html?key=");
  await panel.click("#ap-ready");
  const { page: card } = await carding;
  await waitFor(card, () => document.getElementById("card").dataset.paintedAt, 10000, "card painted");
  const shown = await card.evaluate(() => ({
    key: document.getElementById("card").dataset.key,
    paintedAt: Number(document.getElementById("card").dataset.paintedAt),
    name: document.getElementById("name").textContent,
    fields: Object.fromEntries([...document.querySelectorAll("dd")].map((dd) => [dd.dataset.field, dd.textContent])),
    button: !document.getElementById("open").hidden,
  }));
  console.log(`CARD ${JSON.stringify(shown)}`);
  if (!shown.button) throw new Error("the card has no deep-link button");
  await card.close();

  // End the call in the panel, then log out of the panel: the extension is signed out.
  await waitFor(panel, () => !document.getElementById("ap-hangup").hidden, 10000, "call form");
  await panel.click("#ap-hangup");
  await waitFor(panel, () => document.getElementById("ap-state").dataset.state === "wrap_up", 10000, "wrap-up");
  await panel.select("#ap-pause-reason", await panel.$eval("#ap-pause-reason option", (o) => o.value));
  await panel.click("#ap-pause");
  const sale = await panel.$eval("#ap-disposition", (s) => [...s.options].find((o) => o.text === "Sale").value);
  await panel.select("#ap-disposition", sale);
  await panel.click("#ap-save");
  await waitFor(panel, () => document.getElementById("ap-state").dataset.state === "paused", 10000, "paused");
  await Promise.all([panel.waitForNavigation(), panel.click('form[action="/logout"] button')]);

  await waitFor(confirm, () => document.getElementById("status").dataset.signedIn === "no", 10000,
    "extension signed out");
  console.log("OK");
} finally {
  await browser.close();
}
