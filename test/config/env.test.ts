import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/env.ts';

describe('configuration', () => {
  it('has defaults for everything when the environment is empty', () => {
    expect(parseEnv({})).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', LOG_LEVEL: 'info' });
    expect(parseEnv({}).DATABASE_URL).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', DISCORD_TOKEN: '' })).toMatchObject({ DATABASE_URL: undefined, DISCORD_TOKEN: undefined });
  });

  it('names each bad variable', () => {
    try {
      parseEnv({ PORT: '99999', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', CAIRN_ADMIN_TOKEN: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['CAIRN_ADMIN_TOKEN', 'DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    }
  });

  it('refuses Discord login without CAIRN_BASE_URL, naming the variable (the redirect is never built from Host)', () => {
    const oauth = { DISCORD_CLIENT_ID: '123456', DISCORD_CLIENT_SECRET: 'secret-value' };
    try {
      parseEnv(oauth);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(['CAIRN_BASE_URL']);
      expect((error as ConfigError).message).toContain('CAIRN_BASE_URL is required when DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET are set');
    }
    expect(parseEnv({ ...oauth, CAIRN_BASE_URL: 'https://cairn.example.org' }).CAIRN_BASE_URL).toBe('https://cairn.example.org');
    expect(parseEnv({ DISCORD_CLIENT_ID: '123456' }).CAIRN_BASE_URL).toBeUndefined();
  });

  it('has generous rate limits by default, 0 for none, and names a bad one', () => {
    expect(parseEnv({})).toMatchObject({ CAIRN_RATE_LIMIT_REQUESTS: 600, CAIRN_RATE_LIMIT_EXPENSIVE: 120, CAIRN_RATE_LIMIT_EVENTS: 6000 });
    expect(parseEnv({ CAIRN_RATE_LIMIT_EVENTS: '0' }).CAIRN_RATE_LIMIT_EVENTS).toBe(0);
    try {
      parseEnv({ CAIRN_RATE_LIMIT_REQUESTS: '-1', CAIRN_RATE_LIMIT_EXPENSIVE: 'many' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['CAIRN_RATE_LIMIT_EXPENSIVE', 'CAIRN_RATE_LIMIT_REQUESTS']);
    }
  });
});
