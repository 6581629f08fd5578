// The admin panel in headless Chromium against the real server (`npm start`'s Hono app over the
// demo guild): JavaScript transferred on a first load (gzip, as built, and what Chromium actually
// received), and time to interactive of the rules page — from navigation start until the rule rows
// are on screen with their controls enabled — cold (no HTTP cache) and warm.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { chromium } from 'playwright-core';
import { createApp, PANEL_DIR } from '../src/api/app.ts';
import { DEMO_GUILD_ID, ensureDemoGuild } from '../src/app/demo.ts';
import { createServices } from '../src/app/services.ts';
import { parseEnv } from '../src/config/env.ts';
import { silentLogger } from '../src/log/logger.ts';
import { Metrics } from '../src/metrics/metrics.ts';
import { freshDatabase, percentile, record } from './support.ts';

const TOKEN = 'bench-admin-token-0123456789';
const RUNS = Number(process.env.BENCH_PANEL_RUNS ?? 10);
const CHROMIUM = '/usr/bin/chromium';

export async function benchPanel(kind: 'pglite' | 'postgres'): Promise<void> {
  execFileSync(process.execPath, ['dashboard/scripts/build.mjs', '--if-stale', '--quiet'], { stdio: 'inherit' });
  if (!existsSync(CHROMIUM)) throw new Error(`the panel benchmark needs Chromium at ${CHROMIUM}`);
  const { database, dispose } = await freshDatabase(kind, 10);
  const closeOnce = database.close.bind(database);
  let closed: Promise<void> | undefined;
  database.close = () => (closed ??= closeOnce());
  const services = await createServices({ env: parseEnv({ CAIRN_ADMIN_TOKEN: TOKEN }), logger: silentLogger, database, adminToken: TOKEN, metrics: new Metrics({ defaultMetrics: false }) });
  await ensureDemoGuild(database, services.pipeline);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: createApp(services).fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = mkdtempSync(join(tmpdir(), 'cairn-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    // The moment the rules table is usable, recorded in the page itself (no round trip). Browser
    // code goes as text: this project's TypeScript has no DOM types.
    await context.addInitScript({
      content: `new MutationObserver((_, observer) => {
        if (document.querySelector('tr[data-rule] input[type=checkbox]:not([disabled])')) {
          window.__rulesInteractive = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });`,
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const encoded = new Map<string, number>();
    const scripts = new Set<string>();
    cdp.on('Network.responseReceived', (e) => {
      if (e.type === 'Script') scripts.add(e.requestId);
    });
    cdp.on('Network.loadingFinished', (e) => encoded.set(e.requestId, e.encodedDataLength));
    const jsUrls = new Set<string>();
    page.on('response', (r) => {
      if (r.url().endsWith('.js')) jsUrls.add(new URL(r.url()).pathname);
    });

    // First load: the login page, then logging in lands on the rules page.
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.goto(`${url}/login?next=${encodeURIComponent(`/g/${DEMO_GUILD_ID}/rules`)}`);
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('tr[data-rule]').first().waitFor();
    const transferred = [...scripts].reduce((sum, id) => sum + (encoded.get(id) ?? 0), 0);
    const sizes = { raw: 0, gzip: 0, brotli: 0 };
    for (const path of jsUrls) {
      const file = join(PANEL_DIR, path);
      sizes.raw += statSync(file).size;
      sizes.gzip += existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : statSync(file).size;
      sizes.brotli += existsSync(`${file}.br`) ? statSync(`${file}.br`).size : statSync(file).size;
    }
    const note = `${jsUrls.size} files; login, then rules page`;
    record({ bench: 'panel', database: kind, case: 'JS on first load, gzip', value: sizes.gzip / 1024, unit: 'KiB', note });
    record({ bench: 'panel', database: kind, case: 'JS on first load, brotli', value: sizes.brotli / 1024, unit: 'KiB', note });
    record({ bench: 'panel', database: kind, case: 'JS on first load, uncompressed', value: sizes.raw / 1024, unit: 'KiB', note });
    record({ bench: 'panel', database: kind, case: 'JS received by Chromium (Accept-Encoding br)', value: transferred / 1024, unit: 'KiB', note: 'encoded bytes incl. headers' });

    // Time to interactive of the rules page, logged in: cold (no cache) and warm.
    for (const cache of ['cold', 'warm'] as const) {
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: cache === 'cold' });
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await page.goto(`${url}/g/${DEMO_GUILD_ID}/rules`);
        await page.waitForFunction('window.__rulesInteractive !== undefined', undefined, { timeout: 30_000 });
        times.push((await page.evaluate('window.__rulesInteractive')) as number);
      }
      times.sort((a, b) => a - b);
      record({ bench: 'panel', database: kind, case: `rules page interactive, ${cache} cache, p50`, value: percentile(times, 50), unit: 'ms', note: `${RUNS} loads` });
      record({ bench: 'panel', database: kind, case: `rules page interactive, ${cache} cache, max`, value: times[times.length - 1]!, unit: 'ms' });
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.close();
    await dispose();
  }
}
