// The setup most files in test/discord share, registered once: a database per file emptied before
// each test (optionally holding the classic preset), and a bot against the fake Discord per test.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createTestApp } from '../../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../../support/db.ts';
import { importClassic, startBot, type BotHarness, type HarnessOptions } from './harness.ts';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export interface UseDatabaseOptions {
  /** What every test starts from: the classic preset imported after the reset, or nothing at all. */
  preset: 'classic' | 'none';
  /** Also build the API over the database (what the panel reads, bot or no bot); it closes the database. */
  app?: boolean;
}

export interface DatabaseFixture {
  readonly database: TestDatabase;
  /** The API (only with `app: true`). */
  readonly api: TestApp;
}

export interface UseBotOptions extends UseDatabaseOptions {
  /** `'each'` (the default) starts a bot before every test; `'manual'` leaves it to the test's `start()`. */
  start?: 'each' | 'manual';
  /** Options for the bot started before every test, and the defaults of `start()`. */
  harness?: HarnessOptions;
}

export interface BotFixture extends DatabaseFixture {
  /** The running bot; throws when none is running. */
  readonly harness: BotHarness;
  /** Starts a bot (none may be running); it is stopped after the test unless the test stops it. */
  start(options?: HarnessOptions): Promise<BotHarness>;
  /** Stops the running bot, if any (and its fake Discord unless `fake: false`). */
  stop(options?: { fake?: boolean }): Promise<void>;
  /** Stops the running bot and starts a new one on the same fake Discord: a bot restart. */
  restart(options?: HarnessOptions): Promise<BotHarness>;
}

/** Registers the database hooks in the current file or describe block. */
export function useDatabase(options: UseDatabaseOptions): DatabaseFixture {
  let database: TestDatabase | undefined;
  let api: TestApp | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    if (options.app) api = await createTestApp(database);
  });
  afterAll(async () => {
    // The API's services own the database once built.
    if (api) await api.services.close();
    else await database?.close();
  });
  beforeEach(async () => {
    await resetDatabase(database!);
    if (options.preset === 'classic') await importClassic(database!);
  });
  return {
    get database() {
      if (!database) throw new Error('the test database is opened in beforeAll; read it inside hooks and tests');
      return database;
    },
    get api() {
      if (!api) throw new Error('useDatabase/useBot was not asked for the API (app: true)');
      return api;
    },
  };
}

/** Registers the database hooks and a bot per test; see `UseBotOptions`. */
export function useBot(options: UseBotOptions): BotFixture {
  const data = useDatabase(options);
  let running: BotHarness | undefined;

  const start = async (harnessOptions: HarnessOptions = {}): Promise<BotHarness> => {
    if (running) throw new Error('a bot is already running: stop() or restart() it first');
    const started = await startBot(data.database, { ...options.harness, ...harnessOptions });
    // A test that stops the bot itself leaves nothing for afterEach to stop.
    const harness: BotHarness = {
      ...started,
      async stop(stopOptions) {
        if (running === harness) running = undefined;
        await started.stop(stopOptions);
      },
    };
    running = harness;
    return harness;
  };
  const stop = async (stopOptions?: { fake?: boolean }) => {
    await running?.stop(stopOptions);
  };

  if ((options.start ?? 'each') === 'each') beforeEach(async () => void (await start()));
  afterEach(() => stop());

  return {
    get database() {
      return data.database;
    },
    get api() {
      return data.api;
    },
    get harness() {
      if (!running) throw new Error('no bot is running: call start() first');
      return running;
    },
    start,
    stop,
    async restart(harnessOptions = {}) {
      const fake = running?.fake;
      await stop({ fake: false });
      return start({ ...harnessOptions, ...(fake ? { fake } : {}) });
    },
  };
}
