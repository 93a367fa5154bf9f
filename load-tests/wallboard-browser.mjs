// Measures the managers' /wallboard in headless Chromium against a running server with a big
// floor (run it beside `load-tests/run.sh`, which seeds `load0001…` — the first ten are
// managers — and keeps the floor busy). It signs in as a manager, opens the board and reports:
// time until the agent table shows every signed-in agent, frames per second and the longest
// frame while the board takes the floor's changes (idle and while scrolling the whole table),
// the time a sort and a name filter take to show, long tasks (> 50 ms) and the JS heap.
// Usage (from the repository root, with web/node_modules installed):
//   node load-tests/wallboard-browser.mjs [http://127.0.0.1:18080] [load0001] [seconds]
// env LOAD_PASSWORD (load1234), WB_SHOT=/path.png to keep a screenshot.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../web/package.json"));
const { chromium } = require("@playwright/test");

const base = process.argv[2] ?? "http://127.0.0.1:18080";
const login = process.argv[3] ?? "load0001";
const watchS = Number(process.argv[4] ?? 20);
const password = process.env.LOAD_PASSWORD ?? "load1234";

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--enable-precise-memory-info"],
});
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: "ko-KR" });
await page.addInitScript(() => {
  window.__long = [];
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__long.push(e.duration);
  }).observe({ type: "longtask", buffered: true });
});

await page.goto(`${base}/login`);
await page.getByTestId("login-id").fill(login);
await page.getByTestId("login-password").fill(password);
await page.getByTestId("login-submit").click();
await page.waitForURL((u) => !u.pathname.startsWith("/login"));

const t0 = Date.now();
await page.goto(`${base}/wallboard`);
await page.getByTestId("wb-agent-count").waitFor();
// The table is ready when it counts the whole floor (the board's first frame).
await page.waitForFunction(() => {
  const m = document.querySelector('[data-testid="wb-agent-count"]')?.textContent?.match(/(\d+)\s*\/\s*(\d+)/);
  return m && Number(m[2]) > 100;
}, null, { timeout: 60_000 });
const firstFull = Date.now() - t0;
const count = await page.getByTestId("wb-agent-count").textContent();

// Frame timing over a window: rAF intervals.
async function frames(ms, scroll) {
  return page.evaluate(
    ({ ms, scroll }) =>
      new Promise((done) => {
        const box = document.querySelector(".wb-table");
        const gaps = [];
        let last = performance.now();
        const end = last + ms;
        const step = () => {
          const now = performance.now();
          gaps.push(now - last);
          last = now;
          if (scroll && box) {
            box.scrollTop = box.scrollTop + 240 >= box.scrollHeight - box.clientHeight ? 0 : box.scrollTop + 240;
          }
          if (now < end) requestAnimationFrame(step);
          else {
            gaps.sort((a, b) => a - b);
            const p = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))];
            done({ frames: gaps.length, fps: (gaps.length * 1000) / ms, p50: p(0.5), p99: p(0.99), max: gaps[gaps.length - 1] });
          }
        };
        requestAnimationFrame(step);
      }),
    { ms, scroll },
  );
}

const idle = await frames(watchS * 500, false);
const scrolling = await frames(watchS * 500, true);

// A sort and a filter, timed in the page: the click (or the typed text) until the second
// animation frame after it, i.e. until the new order is painted.
async function timed(what, testid, text) {
  const ms = await page.evaluate(
    ({ testid, text }) =>
      new Promise((done) => {
        const el = document.querySelector(`[data-testid="${testid}"]`);
        const s = performance.now();
        if (text === undefined) el.click();
        else {
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(el, text);
          el.dispatchEvent(new Event("input", { bubbles: true }));
        }
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - s)));
      }),
    { testid, text },
  );
  return { what, ms: Math.round(ms) };
}
await page.evaluate(() => { document.querySelector(".wb-table").scrollTop = 0; });
const sortName = await timed("sort by name", "wb-sort-name");
const sortTalk = await timed("sort by talk", "wb-sort-talkS");
const filterName = await timed("filter by login", "wb-search", "load4");
const filtered = await page.getByTestId("wb-agent-count").textContent();
await timed("filter cleared", "wb-search", "");

const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
const long = await page.evaluate(() => window.__long);
const domRows = await page.locator("tr.vrow").count();
if (process.env.WB_SHOT) await page.screenshot({ path: process.env.WB_SHOT });
await browser.close();

const f = (x) => x.toFixed(1);
console.log(`== wallboard at ${base} as ${login}: agents ${count}`);
console.log(`first full board: ${firstFull} ms; rows in the DOM: ${domRows}`);
console.log(`idle ${watchS / 2}s: ${f(idle.fps)} fps, frame p50 ${f(idle.p50)} / p99 ${f(idle.p99)} / max ${f(idle.max)} ms`);
console.log(`scrolling ${watchS / 2}s: ${f(scrolling.fps)} fps, frame p50 ${f(scrolling.p50)} / p99 ${f(scrolling.p99)} / max ${f(scrolling.max)} ms`);
for (const t of [sortName, sortTalk, filterName]) console.log(`${t.what}: ${t.ms} ms`);
console.log(`filter "load4" shows ${filtered}`);
console.log(`long tasks (> 50 ms): ${long.length}, longest ${f(Math.max(0, ...long))} ms; JS heap ${(heap / 1048576).toFixed(1)} MiB`);
console.log(
  `WALLBOARD first_ms=${firstFull} idle_fps=${f(idle.fps)} idle_p99_ms=${f(idle.p99)} scroll_fps=${f(scrolling.fps)} ` +
    `scroll_p99_ms=${f(scrolling.p99)} sort_ms=${sortName.ms} filter_ms=${filterName.ms} long_tasks=${long.length} heap_mib=${(heap / 1048576).toFixed(1)}`,
);
