// Starts and stops a real calldesk server for the browser tests: the demo brand without the
// simulator (calls come only from the tests), on its own port and data dir.
import type { Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const PORT = Number(process.env.CALLDESK_E2E_PORT ?? 18090);
export const BASE = `http://127.0.0.1:${PORT}`;
export const KEY = "demo-telephony-key";
const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = process.env.CALLDESK_BIN ?? path.join(ROOT, "target/debug/calldesk");

export class Server {
  dataDir = mkdtempSync(path.join(tmpdir(), "calldesk-e2e-"));
  private child: ChildProcess | null = null;

  async start(): Promise<void> {
    this.child = spawn(
      BIN,
      ["serve", "--demo", "--no-simulator", "--data-dir", this.dataDir, "--listen", `127.0.0.1:${PORT}`],
      { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "warn" } },
    );
    for (let i = 0; i < 200; i++) {
      try {
        const r = await fetch(`${BASE}/healthz`);
        if (r.ok) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`calldesk did not start (${BIN})`);
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.child = null;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGTERM");
    await exited;
  }
}

/** A call through the telephony gateway, as a PBX would send it. */
export async function callIn(service: string, from: string): Promise<{ callId: number; ticketId: string }> {
  const r = await fetch(`${BASE}/api/telephony/calls`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Telephony-Key": KEY },
    body: JSON.stringify({ service, from }),
  });
  if (r.status !== 201) throw new Error(`gateway said ${r.status}: ${await r.text()}`);
  return r.json();
}

export async function telephony(pathname: string, body: unknown = {}): Promise<number> {
  const r = await fetch(`${BASE}${pathname}`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Telephony-Key": KEY },
    body: JSON.stringify(body),
  });
  return r.status;
}

/** Logs a demo person in on the login page (password demo1234). */
export async function signIn(page: Page, login: string): Promise<void> {
  await page.goto(`${BASE}/login`);
  await page.getByTestId("login-id").fill(login);
  await page.getByTestId("login-password").fill("demo1234");
  await page.getByTestId("login-submit").click();
}

/** A numbered screenshot under test-results/shots/, one series per spec file. */
export function shooter(prefix: string): (page: Page, name: string) => Promise<void> {
  let step = 0;
  return async (page, name) => {
    step += 1;
    await page.screenshot({ path: `test-results/shots/${prefix}${String(step).padStart(2, "0")}-${name}.png` });
  };
}
