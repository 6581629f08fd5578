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
});
