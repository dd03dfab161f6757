// Drives the dashboard in the system's headless Chromium: the page loads, asks for the token, shows
// the transfer the test started within 2 s, its byte count grows, the throughput chart has points,
// a screenshot is saved, and the transfer's cancel button ends it.
// Env: SLUICE_URL, SLUICE_TOKEN, SLUICE_KEY (the running download's key), SCREENSHOT (a .png path),
// CHROMIUM (default /usr/bin/chromium). Exits non-zero with a message on the first failed check.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const url = process.env.SLUICE_URL;
const token = process.env.SLUICE_TOKEN;
const key = process.env.SLUICE_KEY;
const screenshot = process.env.SCREENSHOT;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const profile = mkdtempSync(join(tmpdir(), "sluice-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  const failedRequests = [];
  page.on("requestfailed", (r) => failedRequests.push(r.url()));
  const response = await page.goto(url + "/", { waitUntil: "load" });
  check(response.status() === 200, `GET / answered ${response.status()}`);
  check((await page.title()) === "Sluice", `the page's title is '${await page.title()}'`);
  const weight = (await response.body()).length;
  console.log(`page weight: ${weight} bytes`);
  check(weight < 300 * 1024, `the page weighs ${weight} bytes, over 300 KiB`);

  // the server has a token: the page asks for it
  await page.locator("#login.shown").waitFor({ timeout: 3000 });
  await page.fill("#token", token);
  const submitted = Date.now();
  await page.click("#login button");

  const row = page.locator("#rows tr", { hasText: key });
  await row.first().waitFor({ timeout: 2000 });
  console.log(`transfer shown ${Date.now() - submitted} ms after the token was given`);

  const bytesCell = row.first().locator("td.bytes");
  const first = await bytesCell.textContent();
  await page.waitForFunction(
    ([k, before]) => {
      const tr = [...document.querySelectorAll("#rows tr")].find((r) => r.textContent.includes(k));
      return tr && tr.querySelector("td.bytes").textContent !== before;
    },
    [key, first],
    { timeout: 5000 },
  );
  console.log(`bytes grew: '${first}' → '${await bytesCell.textContent()}'`);

  await page.waitForFunction(
    () => {
      const out = document.querySelectorAll("#chart-throughput polyline.series")[1];
      return out && Number(out.dataset.points) >= 3 && /\d/.test(out.getAttribute("points"));
    },
    null,
    { timeout: 6000 },
  );
  console.log("the throughput chart has points");
  await page.screenshot({ path: screenshot, fullPage: true });

  await row.first().locator("button.cancel").click();
  await page.locator("#rows tr", { hasText: key }).first().waitFor({ state: "detached", timeout: 4000 });
  console.log("cancelled: the transfer left the list");
  await page.waitForFunction(
    () => /CANCELLED/.test(document.querySelector("#aborts").textContent),
    null,
    { timeout: 4000 },
  );
  console.log("the aborts table counts the cancel");
  check(failedRequests.length === 0, `requests failed: ${failedRequests.join(", ")}`);
  console.log("dashboard: all checks passed");
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
