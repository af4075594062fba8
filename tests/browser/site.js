// Drives the system's Chromium over a site written by `kz site` and prints what it saw as JSON.
//
//   node tests/browser/site.js SITE_DIR SHOTS_DIR
//
// tests/cli/site.rs runs it and checks the JSON. It loads pages from file:// (as a reader who
// opens index.html would), records every console error, page error and failed request, follows
// a fact's evidence link to its marked sentence, searches for "Serdyukov" with the search box and
// follows the first result, and takes screenshots at 1280 and 390 pixels wide, counting the
// colours of each so a blank one shows. Chromium is the one Debian packages (CHROMIUM or
// /usr/bin/chromium); nothing is downloaded.
"use strict";
const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");

const [siteDir, shotsDir] = process.argv.slice(2);
if (!siteDir || !shotsDir) {
  console.error("usage: node site.js SITE_DIR SHOTS_DIR");
  process.exit(2);
}
const site = (rel) => pathToFileURL(path.resolve(siteDir, rel)).href;

async function main() {
  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const result = { pages: {}, evidence: null, search: null, screenshots: [] };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Anything a page tries to fetch from outside the site is a failure to report.
    await context.route(/^(?!file:|data:|about:)/, (route) => {
      result.outside = (result.outside || []).concat(route.request().url());
      return route.abort();
    });
    const open = async (name, rel) => {
      const page = await context.newPage();
      const problems = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
      await page.goto(site(rel), { waitUntil: "load" });
      await page.waitForTimeout(100);
      const title = await page.title();
      const h1 = await page.locator("h1").first().textContent();
      result.pages[name] = { url: page.url(), title, h1, problems };
      return { page, problems };
    };
    const index = await open("index", "index.html");
    const person = await open("person", "records/andrey-serdyukov.html");
    await open("event", "records/csto-troops-arrive.html");
    await open("article", "records/article.html");

    // A fact's evidence link, clicked, lands on a marked, visible sentence.
    const cite = person.page.locator("a.cite").first();
    const href = await cite.getAttribute("href");
    await Promise.all([person.page.waitForURL(/article\.html#s-\d+$/), cite.click()]);
    result.evidence = await person.page.evaluate(() => {
      const t = document.querySelector(":target");
      const r = t && t.getBoundingClientRect();
      return {
        url: location.href,
        target: t ? t.tagName.toLowerCase() : null,
        text: t ? t.textContent : null,
        visible: !!r && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight,
      };
    });
    result.evidence.href = href;
    result.evidence.problems = person.problems;

    // The search box finds Serdyukov by an alias in another script (with a letter that
    // decomposes, й), then by his name, and its first result opens his page.
    const p = index.page;
    await p.locator("#q").fill("Андрей Сердюков");
    await p.locator("#results a").first().waitFor({ timeout: 5000 }).catch(() => {});
    const cyrillic = await p.locator("#results a").allTextContents();
    await p.locator("#q").fill("Serdyukov");
    const first = p.locator("#results a").first();
    await first.waitFor();
    const results = await p.locator("#results a").allTextContents();
    await Promise.all([p.waitForURL(/andrey-serdyukov\.html$/), first.click()]);
    result.search = {
      results,
      cyrillic,
      url: p.url(),
      h1: await p.locator("h1").first().textContent(),
      problems: index.problems,
    };

    // Screenshots of the index and of Serdyukov's page, wide and narrow.
    fs.mkdirSync(shotsDir, { recursive: true });
    const counter = await context.newPage();
    for (const [name, rel] of [["index", "index.html"], ["serdyukov", "records/andrey-serdyukov.html"]]) {
      for (const width of [1280, 390]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        await page.goto(site(rel), { waitUntil: "load" });
        const file = path.join(shotsDir, `${name}-${width}.png`);
        const png = await page.screenshot({ path: file });
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        await page.close();
        const colours = await counter.evaluate(async (b64) => {
          const img = new Image();
          img.src = "data:image/png;base64," + b64;
          await img.decode();
          const c = document.createElement("canvas");
          c.width = img.width;
          c.height = img.height;
          const g = c.getContext("2d");
          g.drawImage(img, 0, 0);
          const d = g.getImageData(0, 0, c.width, c.height).data;
          const seen = new Set();
          for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
          return { width: img.width, height: img.height, colours: seen.size };
        }, png.toString("base64"));
        result.screenshots.push({ name, width, file, scrollWidth, ...colours });
      }
    }
  } finally {
    await browser.close();
  }
  result.ms = Date.now() - started;
  process.stdout.write(JSON.stringify(result, null, 1) + "\n");
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
