import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';

describe('logger', () => {
  it('never writes secrets: tokens, authorization headers, API keys, database URLs', () => {
    let output = '';
    const sink = new Writable({ write(chunk, _enc, done) { output += chunk; done(); } });
    const logger = createLogger({ level: 'info' }, sink);
    logger.info({ req: { headers: { authorization: 'Bearer s3cret-token', cookie: 'cairn_session=abc' } } }, 'request');
    logger.info({ config: { DISCORD_TOKEN: 'discord-s3cret', GEMINI_API_KEY: 'gemini-s3cret', DATABASE_URL: 'postgres://u:pw@h/db' } }, 'config');
    logger.info({ token: 'top-s3cret' }, 'token');
    expect(output).not.toMatch(/s3cret|pw@h|abc/);
    expect(output).toContain('[redacted]');
  });
});
