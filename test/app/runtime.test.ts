// The Node versions Cairn promises (package.json engines, README: 20.19+, 22.13+, 24+) agree with what
// every installed package declares, so `npm ci` on Node 20 prints no EBADENGINE warning, and an
// older Node is refused at start with a plain message instead of a loader error.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE, tooOldNode } from '../../bin/node-version.js';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean; os?: string[] }> };
const PROMISED = [MINIMUM_NODE, '20.20.2', '22.13.0', '24.0.0'];

describe('the Node versions Cairn runs on', () => {
  it('are what package.json promises, starting at the minimum the start scripts enforce', () => {
    expect(semver.minVersion(pkg.engines.node)?.version).toBe(MINIMUM_NODE);
    for (const version of PROMISED) expect(semver.satisfies(version, pkg.engines.node), version).toBe(true);
  });

  it('are allowed by the declared engines of every package in the lockfile', () => {
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!path || !range) continue;
      for (const version of PROMISED) {
        if (!semver.satisfies(version, range)) refusing.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}, not ${version}`);
      }
    }
    expect(refusing).toEqual([]);
  });

  it('refuses an older Node with a message naming the minimum, and accepts newer ones', () => {
    expect(tooOldNode('20.18.3')).toMatch(/needs Node\.js 20\.19\.0 or newer.*this is Node\.js 20\.18\.3/);
    expect(tooOldNode('18.20.0')).toMatch(/20\.19\.0/);
    for (const version of ['20.19.0', '20.20.2', '22.0.0', '24.11.1', '25.0.0']) expect(tooOldNode(version)).toBeNull();
  });

  it('is allowed by every package installed here, as npm checks when it warns EBADENGINE', () => {
    const refusing: string[] = [];
    const visit = (dir: URL, depth: number): void => {
      if (depth > 8) return;
      for (const name of readdirSync(dir).filter((n) => !n.startsWith('.'))) {
        if (name.startsWith('@')) {
          visit(new URL(`${name}/`, dir), depth);
          continue;
        }
        const at = new URL(`${name}/`, dir);
        const manifest = new URL('package.json', at);
        if (!existsSync(manifest)) continue;
        const { name: pkgName, version, engines } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string; engines?: { node?: string } };
        if (typeof engines?.node === 'string' && !semver.satisfies(process.versions.node, engines.node)) refusing.push(`${pkgName}@${version} wants node ${engines.node}`);
        const nested = new URL('node_modules/', at);
        if (existsSync(nested)) visit(nested, depth + 1);
      }
    };
    visit(new URL('node_modules/', root), 0);
    expect(refusing).toEqual([]);
  });
});
