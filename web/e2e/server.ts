// Starts and stops a real calldesk server for the browser tests: the demo brand without the
// simulator (calls come only from the tests), on its own port and data dir.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
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

  /** `volume`: `calldesk seed-volume` arguments to write into the data dir first (the demo
   *  brand plus that many customers, consultations …). */
  constructor(private volume?: string[]) {}

  async start(): Promise<void> {
    if (this.volume) {
      const r = spawnSync(BIN, ["seed-volume", "--data-dir", this.dataDir, ...this.volume], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "warn" } });
      if (r.status !== 0) throw new Error(`seed-volume failed (${r.status})`);
    }
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
export async function signIn(page: Page, login: string, base: string = BASE): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByTestId("login-id").fill(login);
  await page.getByTestId("login-password").fill("demo1234");
  await page.getByTestId("login-submit").click();
}

/** No WCAG 2.x A / AA violations (axe-core) on the page as it stands. */
export async function accessible(page: Page, what: string): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`);
  expect(found, `${what}: axe violations`).toEqual([]);
}

/** A numbered screenshot under test-results/shots/, one series per spec file. */
export function shooter(prefix: string): (page: Page, name: string) => Promise<void> {
  let step = 0;
  return async (page, name) => {
    step += 1;
    await page.screenshot({ path: `test-results/shots/${prefix}${String(step).padStart(2, "0")}-${name}.png` });
  };
}

/**
 * A TCP relay in front of the server whose "network" the test can cut: while cut, every byte
 * either way is swallowed and connections stay open (a dead Wi-Fi, not a refused port: the
 * browser notices nothing by itself). `restore` drops the connections that lost bytes and lets
 * new ones through.
 */
export class CuttableNetwork {
  readonly port: number;
  private cut = false;
  private server: import("node:net").Server | null = null;
  private spoiled = new Set<import("node:net").Socket>();
  private live = new Set<import("node:net").Socket>();

  constructor(port: number) {
    this.port = port;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const net = await import("node:net");
    this.server = net.createServer((client) => {
      const upstream = net.connect(PORT, "127.0.0.1");
      const pair = [client, upstream];
      for (const s of pair) {
        this.live.add(s);
        s.on("close", () => this.live.delete(s));
        s.on("error", () => {});
      }
      const relay = (from: import("node:net").Socket, to: import("node:net").Socket) =>
        from.on("data", (chunk) => {
          if (this.cut) {
            pair.forEach((s) => this.spoiled.add(s));
            return;
          }
          to.write(chunk);
        });
      relay(client, upstream);
      relay(upstream, client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      if (this.cut) pair.forEach((s) => this.spoiled.add(s));
    });
    await new Promise<void>((r) => this.server!.listen(this.port, "127.0.0.1", r));
  }

  cutNetwork(): void {
    this.cut = true;
    // Every open connection is dead from now on, even before a byte is lost.
    for (const s of this.live) this.spoiled.add(s);
  }

  restore(): void {
    this.cut = false;
    for (const s of this.spoiled) s.destroy();
    this.spoiled.clear();
  }

  async stop(): Promise<void> {
    for (const s of this.live) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
