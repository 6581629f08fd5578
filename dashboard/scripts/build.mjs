#!/usr/bin/env node
// Builds the panel into dashboard/build (svelte-kit sync, then vite build).
//   node dashboard/scripts/build.mjs             always build
//   node dashboard/scripts/build.mjs --if-stale  build only when the build is missing or older than
//                                                the sources (`npm start`, the browser tests)
//   node dashboard/scripts/build.mjs --sync      only generate .svelte-kit (types for svelte-check)
// Without the dev dependencies (a production install) it says so and exits 0 when a build exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dashboard = join(dirname(fileURLToPath(import.meta.url)), '..');
const index = join(dashboard, 'build', 'index.html');
const args = new Set(process.argv.slice(2));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function stale() {
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(newestSource(join(dashboard, 'src')), newestSource(join(dashboard, 'static')), statSync(join(dashboard, 'svelte.config.js')).mtimeMs, statSync(join(dashboard, 'vite.config.ts')).mtimeMs);
  return sources > built;
}

function bin(pkg, name) {
  const require = createRequire(join(dashboard, 'package.json'));
  try {
    const manifest = require.resolve(`${pkg}/package.json`);
    const { bin: bins } = require(manifest);
    return join(dirname(manifest), typeof bins === 'string' ? bins : bins[name]);
  } catch {
    return null;
  }
}

function run(script, scriptArgs) {
  const result = spawnSync(process.execPath, [script, ...scriptArgs], { cwd: dashboard, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (args.has('--if-stale') && !stale()) process.exit(0);
const kit = bin('@sveltejs/kit', 'svelte-kit');
const vite = bin('vite', 'vite');
if (!kit || !vite) {
  if (existsSync(index)) process.exit(0);
  console.error('The admin panel is not built and its build tools are not installed (npm install without --omit=dev, then npm run build). Cairn runs without the panel.');
  process.exit(args.has('--if-stale') ? 0 : 1);
}
run(kit, ['sync']);
if (args.has('--sync')) process.exit(0);
run(vite, ['build', '--logLevel', args.has('--quiet') ? 'warn' : 'info']);
