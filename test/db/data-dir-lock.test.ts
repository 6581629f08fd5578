// The PGlite folder's lock: a running process keeps others out; a lock left behind by kill -9, or
// one whose pid now belongs to another process, does not keep Cairn from starting again.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../src/db/data-dir-lock.ts';
import { startProcess } from '../support/process.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Another process that takes the lock the way Cairn does and keeps running. */
async function holder(lockFile: string) {
  const proc = startProcess(
    ['--import', 'tsx', '-e', `import('./src/db/data-dir-lock.ts').then((m) => { m.lockDataDir(${JSON.stringify(lockFile)}); console.log('locked'); setInterval(() => {}, 1000); })`],
    {},
  );
  await proc.waitFor(/locked/, 30_000);
  return proc;
}

describe('the data folder lock', () => {
  it('keeps a second process out while the first runs, and lets it in after the first was killed with SIGKILL', async () => {
    const lockFile = join(dir, 'a', 'pglite.lock');
    const first = await holder(lockFile);
    expect(() => lockDataDir(lockFile)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(lockFile)).toThrow(`in use by process ${first.child.pid}`);
    first.child.kill('SIGKILL');
    await first.exited;
    const release = lockDataDir(lockFile);
    expect((await readFile(lockFile, 'utf8')).split(' ')[0]).toBe(String(process.pid));
    release();
  });

  it('replaces a lock left by a killed process whose pid now belongs to another running process', async () => {
    const lockFile = join(dir, 'b', 'pglite.lock');
    const killed = await holder(lockFile);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const other = await holder(join(dir, 'b-other', 'pglite.lock'));
    try {
      // The pid is reused: the lock the killed process left now names a process that runs.
      const left = await readFile(lockFile, 'utf8');
      await writeFile(lockFile, left.replace(/^\d+/, String(other.child.pid)));
      const release = lockDataDir(lockFile);
      release();
    } finally {
      other.child.kill('SIGKILL');
      await other.exited;
    }
  });
});
