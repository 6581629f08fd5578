// Custom slash commands end to end: INTERACTION_CREATE from the fake Discord → discord.js → access
// and cooldown checks → the command event committed (the study-group rule pays) → the rendered
// reply (it reads the member's balance) posted to the interaction callback. Latency per invocation,
// one at a time, each by another member (the command has a per-member cooldown).
import { readFileSync } from 'node:fs';
import { DiscordBot } from '../src/discord/bot.ts';
import { silentLogger } from '../src/log/logger.ts';
import { MilestoneChecker } from '../src/milestones/checker.ts';
import { EngineProcessor } from '../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { ManualAwards } from '../src/pipeline/manual-awards.ts';
import { importRecipe, parseRecipe } from '../src/presets/import.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { FakeDiscord } from '../test/support/fake-discord.ts';
import { GUILD, guild, MEMBER_PERMISSIONS, slashCommand } from '../test/discord/support/payloads.ts';
import { freshDatabase, percentile, record, userId } from './support.ts';

const WARMUP = 20;
const INVOCATIONS = 200;

export async function benchCommands(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind);
  const recipe = parseRecipe(JSON.parse(readFileSync(new URL('../presets/study-group.json', import.meta.url), 'utf8')));
  if (!recipe.ok) throw new Error('study-group preset does not parse');
  await importRecipe(database.db, GUILD, recipe.recipe, { actor: 'bench', allowUnbound: true });
  const fake = await FakeDiscord.start({ guilds: [guild()] });
  const configs = new ConfigStore(database);
  await configs.start();
  const awards = new ManualAwards(database);
  const pipeline = new IngestPipeline(database, [new EngineProcessor(configs, { logger: silentLogger, milestones: new MilestoneChecker() }), awards], {}, silentLogger);
  const bot = new DiscordBot({
    token: 'fake-token',
    apiUrl: fake.apiUrl,
    privilegedIntents: ['GuildMembers'],
    database,
    pipeline,
    awards,
    configs,
    logger: silentLogger,
    clientOverrides: { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) } },
  });
  try {
    await bot.start();
    await bot.ready();
    await fake.waitForCalls('PUT', /\/guilds\/\d+\/commands$/);
    const invoke = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const interaction = slashCommand('checkin', [{ name: 'goal', type: 3, value: `chapter ${i}` }], { id: userId(i), permissions: MEMBER_PERMISSIONS });
        const callback = `/interactions/${interaction.id}/${interaction.token}/callback`;
        const timer = setTimeout(() => reject(new Error(`no reply to invocation ${i} within 5 s`)), 5_000);
        const started = performance.now();
        fake.onRequest = (request) => {
          if (request.method !== 'POST' || request.path !== callback) return;
          clearTimeout(timer);
          const description = (request.body as { data?: { embeds?: { description?: string }[] } }).data?.embeds?.[0]?.description ?? '';
          if (!description.startsWith('Checked in')) reject(new Error(`unexpected reply: ${description}`));
          else resolve(performance.now() - started);
        };
        fake.dispatch('INTERACTION_CREATE', interaction);
      });
    for (let i = 0; i < WARMUP; i++) await invoke(1_000_000 + i);
    const times: number[] = [];
    for (let i = 0; i < INVOCATIONS; i++) times.push(await invoke(i));
    times.sort((a, b) => a - b);
    const note = `${INVOCATIONS} invocations of the study-group /checkin, one at a time; event committed and paid before the reply`;
    record({ bench: 'commands', database: kind, case: 'custom command: gateway → reply, p50', value: percentile(times, 50), unit: 'ms', note });
    record({ bench: 'commands', database: kind, case: 'custom command: gateway → reply, p99', value: percentile(times, 99), unit: 'ms' });
  } finally {
    fake.onRequest = undefined;
    await bot.stop();
    await configs.stop();
    await fake.close();
    await dispose();
  }
}
