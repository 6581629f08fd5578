// Browser tests of the panel: a real Cairn HTTP server on a free port (over the test database, with
// the demo guild), the built panel, and headless Chromium driven by playwright-core.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_GUILD_ID, ensureDemoGuild } from '../../src/app/demo.ts';
import { PANEL_DIR } from '../../src/api/app.ts';
import { ADMIN_TOKEN, createTestApp } from '../support/app.ts';
import { createTestDatabase } from '../support/db.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');
export { ADMIN_TOKEN, DEMO_GUILD_ID };

/** Builds the panel when its build is missing or older than its sources (once; a lock keeps
 *  parallel test files from building twice). */
export function ensurePanelBuilt() {
  const lock = join(process.cwd(), 'dashboard', '.build-lock');
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run (a build takes well under a minute) is taken over.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 300_000) rmSync(lock, { recursive: true, force: true });
      if (waited > 180_000) throw new Error(`another build holds ${lock} for 3 minutes; remove it if no build runs`);
      execFileSync('sleep', ['0.25']);
    }
  }
  try {
    // The production build `npm start` serves (vitest sets NODE_ENV=test, which would give a
    // development build that --if-stale then keeps for `npm start` and the panel bench).
    execFileSync(process.execPath, ['dashboard/scripts/build.mjs', '--if-stale', '--quiet'], { stdio: 'pipe', timeout: 240_000, env: { ...process.env, NODE_ENV: 'production' } });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`building the panel failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`, { cause: error });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(join(PANEL_DIR, 'index.html'))) throw new Error(`the panel build did not produce ${PANEL_DIR}/index.html`);
}

export interface Panel {
  url: string;
  services: Awaited<ReturnType<typeof createTestApp>>['services'];
  /** Calls the API with the admin token. */
  api(path: string, init?: { method?: string; json?: unknown }): Promise<any>;
  close(): Promise<void>;
}

/** Starts Cairn's HTTP app on 127.0.0.1:<free port> over a fresh test database holding the demo guild. */
export async function startPanel(): Promise<Panel> {
  ensurePanelBuilt();
  const database = await createTestDatabase();
  const { app, services } = await createTestApp(database);
  await ensureDemoGuild(database, services.pipeline);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    services,
    async api(path, init = {}) {
      const res = await fetch(`${url}/api${path}`, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.json === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: init.json === undefined ? null : JSON.stringify(init.json),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status} ${JSON.stringify(body)}`);
      return body;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await services.close(); // closes the database too
    },
  };
}

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile. Throws (the test fails) when Chromium is missing. */
export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is required for the panel tests and is missing at ${CHROMIUM} (apt-get install -y chromium)`);
  const profile = await mkdtemp(join(tmpdir(), 'cairn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Logs in through the form (after dropping any earlier session of this browser profile). */
export async function loginWithToken(page: Page, panel: Panel, token = ADMIN_TOKEN) {
  await page.context().clearCookies();
  await page.goto(`${panel.url}/login`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.locator('#main').waitFor();
}

const loggedIn = new WeakSet<Browser>();

/**
 * A new page of a browser that is logged in, opened at `path`: the first call logs in through the
 * form, later pages share its session cookie (login is rate-limited, and a login costs a second).
 */
export async function signedInPage(browser: Browser, panel: Panel, path = ''): Promise<Page> {
  const page = await browser.newPage();
  if (!loggedIn.has(browser)) {
    await loginWithToken(page, panel);
    loggedIn.add(browser);
  }
  if (path) await page.goto(`${panel.url}${path}`);
  return page;
}

/** Saves a full-page screenshot under test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
