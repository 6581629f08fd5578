// The operator's bearer token: CAIRN_ADMIN_TOKEN, or one generated on first start and kept under
// the data folder (mode 0600) so later starts reuse it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface AdminToken {
  token: string;
  /** Where it came from; "generated" means this start created it and should print it once. */
  origin: 'environment' | 'stored' | 'generated';
  file?: string;
}

export function resolveAdminToken(envToken: string | undefined, dataDir: string): AdminToken {
  if (envToken) return { token: envToken, origin: 'environment' };
  const dir = resolve(dataDir);
  const file = join(dir, 'admin-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return { token, origin: 'stored', file };
  }
  mkdirSync(dir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return { token, origin: 'generated', file };
}
