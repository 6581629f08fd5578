// How the Cairn process serves the built panel: the SPA's index.html for any page path, hashed
// assets precompressed and cached forever, and unknown /api paths as JSON 404s (never the page).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANEL_DIR } from '../../src/api/app.ts';
import { ADMIN_TOKEN, startPanel, type Panel } from './support.ts';

let panel: Panel;
beforeAll(async () => {
  panel = await startPanel();
});
afterAll(async () => {
  await panel?.close();
});

describe('serving the panel', () => {
  it('answers every page path with the SPA shell', async () => {
    for (const path of ['/', '/login', '/g/1000000000000000001/rules/some.rule']) {
      const res = await fetch(panel.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toContain('<div style="display: contents">');
    }
  });

  it('sends hashed JavaScript precompressed (brotli or gzip, as asked) with an immutable cache', async () => {
    const entry = readdirSync(join(PANEL_DIR, '_app/immutable/entry')).find((f) => f.startsWith('start') && f.endsWith('.js'))!;
    const url = `${panel.url}/_app/immutable/entry/${entry}`;
    for (const encoding of ['br', 'gzip']) {
      const res = await fetch(url, { headers: { 'Accept-Encoding': encoding } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await res.text()).toMatch(/import|export/);
    }
  });

  it('answers an unknown /api path with a JSON 404, not the page', async () => {
    const res = await fetch(`${panel.url}/api/no-such-thing`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('answers a built file that does not exist with a 404, not the page', async () => {
    const res = await fetch(`${panel.url}/_app/immutable/entry/start.gone-since-the-last-deploy.js`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('<html');
  });
});
