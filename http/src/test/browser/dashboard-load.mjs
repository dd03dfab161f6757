// The dashboard under load (bench/dashboard.sh): opens DOWNLOADS throttled downloads of KEY from
// SLUICE_URL (1 KiB/s each, never finishing during the run), waits until the server lists them
// all, then watches the dashboard in headless Chromium for SECONDS: how often it refreshed, the
// gaps between refreshes, the size and server time of each /dashboard/data answer, the page weight.
import { chromium } from "playwright-core";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const url = process.env.SLUICE_URL;
const key = process.env.KEY;
const downloads = Number(process.env.DOWNLOADS || 1000);
const seconds = Number(process.env.WATCH_SECONDS || 20);

const requests = [];
let failed = 0;
for (let i = 0; i < downloads; i++) {
  const req = http.get(`${url}/objects/${key}?rate=1KiB`, { agent: false }, (res) => {
    if (res.statusCode !== 200) failed++;
    res.on("data", () => {});
    res.on("error", () => {});
  });
  req.on("error", () => failed++);
  requests.push(req);
}

async function listed() {
  const res = await fetch(`${url}/dashboard/data?limit=1`);
  return (await res.json()).transfers.total;
}
const deadline = Date.now() + 120000;
let total = 0;
while ((total = await listed()) < downloads && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 250));
}
console.log(`transfers listed: ${total} of ${downloads} (${failed} refused or failed)`);

const profile = mkdtempSync(join(tmpdir(), "sluice-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  const polls = [];
  let pageBytes = 0;
  page.on("response", async (res) => {
    const body = await res.body().catch(() => Buffer.alloc(0));
    if (res.url().includes("/dashboard/data")) {
      polls.push({ at: Date.now(), bytes: body.length, ms: res.request().timing().responseEnd });
    } else {
      pageBytes += body.length;
    }
  });
  await page.goto(url + "/", { waitUntil: "load" });
  await page.waitForTimeout(seconds * 1000);
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  const steady = polls.slice(1);
  const gaps = steady.slice(1).map((p, i) => p.at - steady[i].at).sort((a, b) => a - b);
  const times = steady.map((p) => p.ms).sort((a, b) => a - b);
  const q = (a, f) => (a.length ? Math.round(a[Math.min(a.length - 1, Math.floor(a.length * f))]) : NaN);
  console.log(`page weight (document and everything it loaded, data polls apart): ${pageBytes} bytes`);
  console.log(`refreshes in ${seconds} s: ${polls.length}; gap between refreshes p50 ${q(gaps, 0.5)} ms, max ${q(gaps, 1)} ms`);
  console.log(`/dashboard/data answer: ${steady.length ? steady[steady.length - 1].bytes : 0} bytes; request to end of response p50 ${q(times, 0.5)} ms, max ${q(times, 1)} ms`);
  console.log(`shown on the page: ${await page.locator("#shown").textContent()}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  for (const r of requests) r.destroy();
}
