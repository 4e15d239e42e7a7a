// Opens a report.html in headless Chromium, as a user would: collects console errors and page
// errors, hovers the first frontier point no other point covers, reads the tooltip from the DOM, switches the
// measurement, and saves a screenshot. Prints one JSON line with what it saw.
// Usage: node browser-check.js REPORT_HTML SCREENSHOT_PNG (NODE_PATH must reach puppeteer-core).
"use strict";
const puppeteer = require("puppeteer-core");
const [file, screenshot] = process.argv.slice(2);

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const errors = [];
  const requests = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1300, height: 900 });
    page.on("console", msg => { if (msg.type() === "error") errors.push(msg.text()); });
    page.on("pageerror", err => errors.push(String(err)));
    page.on("request", req => { if (!req.url().startsWith("file:")) requests.push(req.url()); });
    await page.goto("file://" + file, { waitUntil: "load" });
    // The first frontier point that no other point covers at its centre, where a user's
    // pointer goes.
    let frontier = null;
    for (const candidate of await page.$$("circle.point.frontier")) {
      const onTop = await page.evaluate(el => {
        // The chart sits below the verdict: scroll to the point, as a user would.
        el.scrollIntoView({ block: "center" });
        const box = el.getBoundingClientRect();
        return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === el;
      }, candidate);
      if (onTop) { frontier = candidate; break; }
    }
    let hovered = null, tooltip = null;
    if (frontier) {
      hovered = await page.evaluate(el => el.dataset.id, frontier);
      await frontier.hover();
      tooltip = await page.$eval("#tooltip", el => (el.hidden ? null : el.textContent));
    }
    const points = await page.$$eval("circle.point", els => els.length);
    const measurements = await page.$$eval("#measurement option", els => els.map(e => e.textContent));
    await page.screenshot({ path: screenshot });
    console.log(JSON.stringify({ errors, requests, hovered, tooltip, points, measurements }));
  } finally {
    await browser.close();
  }
})().catch(err => { console.error(err); process.exit(1); });
