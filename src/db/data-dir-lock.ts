// PGlite's folder must never be opened by two processes: a pid lock file guards it. A lock left by
// a process that is gone (kill -9, a crash, a lost container) is replaced; so is one whose pid now
// belongs to another process (pids are reused, and a container restarts with the same few pids).
import { closeSync, openSync, readFileSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(readonly pid: number, dir: string) {
    super(`the embedded database in ${dir} is in use by process ${pid}; stop it first, or set DATABASE_URL to share a Postgres server`);
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process `pid` started (clock ticks since boot, from /proc on Linux): with the pid it
 * names one process for good. Undefined where /proc is not available.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) is in parentheses and may itself contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner still runs: its pid is alive and, where known, started when the lock says. */
function held(pid: number, started: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !alive(pid)) return false;
  const now = started ? processStartTime(pid) : undefined;
  return now === undefined || now === started;
}

/** Takes the lock (replacing a stale one); returns a release function. */
export function lockDataDir(lockFile: string): () => void {
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, [process.pid, processStartTime(process.pid) ?? ''].join(' ').trim());
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const [pid, started] = readFileSync(lockFile, 'utf8').trim().split(/\s+/);
      if (held(Number(pid), started || undefined)) throw new DataDirLockedError(Number(pid), dirname(lockFile));
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${lockFile}`);
}
