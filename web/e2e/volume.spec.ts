// Data at volume in the browser: a server whose store holds a month of a busy center
// (`calldesk seed-volume`: 20,000 customers, 60,000 consultations) — the 고객정보 search box finds
// customers by part of a name and by a number fragment, capped with a hint to type more, and a
// manager's 상담 검색 (admin console) finds consultations by 상담유형 and a word of the note,
// a page at a time, and downloads every match as CSV.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { accessible, BASE, Server, shooter, signIn } from "./server";

const server = new Server(["--customers", "20000", "--consultations", "60000", "--days", "30"]);
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const shot = shooter("volume-");

test("the customer search box finds name parts and number fragments among 20,000", async ({ page }) => {
  await signIn(page, "manager01");
  // A manager's header (with 전광판 and 관리) fits 1366 px too.
  const out = await page.getByTestId("logout").boundingBox();
  expect(out!.x + out!.width).toBeLessThanOrEqual(1366);
  const box = page.getByTestId("customer-search");
  await box.fill("김민");
  await box.press("Enter");
  const picks = page.getByTestId("customer-picks").getByRole("button");
  await expect(picks).toHaveCount(50);
  await expect(page.getByTestId("customer-more")).toBeVisible();
  for (const name of await picks.allTextContents()) expect(name).toContain("김민");
  await shot(page, "customer-search");
  // A number fragment: the last four digits of the first one found.
  const first = (await picks.first().textContent()) ?? "";
  const digits = first.replace(/\D/g, "");
  await box.fill(digits.slice(-4));
  await box.press("Enter");
  await expect(picks.filter({ hasText: digits.slice(-4) }).first()).toBeVisible();
  await picks.filter({ hasText: first.split(" · ")[0] }).first().click();
  await expect(page.getByTestId("customer-name")).toHaveText(first.split(" · ")[0]);
});

test("a manager searches a month of consultations by 상담유형 and a word of the note", async ({ page }) => {
  await signIn(page, "manager01");
  await expect(page.getByTestId("admin-link")).toBeVisible();
  await page.goto(`${BASE}/admin#consultations`);
  await expect(page.getByTestId("cs-form")).toBeVisible();
  await page.getByTestId("cs-from").fill(new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10));
  await page.getByTestId("cs-category").selectOption("결제/환불");
  await page.getByTestId("cs-q").fill("환불");
  await page.getByTestId("cs-search").click();
  const rows = page.getByTestId("cs-results").locator("tbody tr");
  await expect(rows).toHaveCount(50);
  for (const text of (await rows.allTextContents()).slice(0, 10)) {
    expect(text).toContain("결제/환불");
    expect(text).toContain("환불");
  }
  // Newest first (by ticket: the order calls arrived), and the next page follows on.
  const tickets = (await rows.locator("td:nth-child(2)").allTextContents()).map((x) => x.split(" ")[0]);
  expect([...tickets].sort().reverse()).toEqual(tickets);
  await page.getByTestId("cs-more").click();
  await expect(rows).toHaveCount(100);
  await shot(page, "consultation-search");
  await accessible(page, "상담 검색");
  // The same filters downloaded: a CSV holding every match (more than the two pages shown).
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("cs-export-csv").click()]);
  expect(file.suggestedFilename()).toMatch(/^calldesk-consultations-.*\.csv$/);
  const text = readFileSync((await file.path())!, "utf8");
  const lines = text.trim().split("\n");
  expect(lines[0]).toContain("티켓(ticketId)");
  expect(lines.length - 1).toBeGreaterThan(100);
  expect(lines[1]).toContain(tickets[0]);
  for (const line of lines.slice(1, 50)) expect(line).toContain("결제/환불");
});
