// Ticket open end to end: the "Open a ticket" click from the fake gateway → discord.js → the
// subject modal shown; the modal submitted → the ticket's number taken, its private thread created,
// the opener and staff added, ticket_opened in the lake, the first message with Claim / Close posted,
// and the member's answer edited in. Each open by another member (one open ticket per member).
import { DiscordBot } from '../src/discord/bot.ts';
import { ensureGuilds } from '../src/guilds/guilds.ts';
import { changeSettings, type GuildSettingsPatch } from '../src/guilds/settings.ts';
import { silentLogger } from '../src/log/logger.ts';
import { MilestoneChecker } from '../src/milestones/checker.ts';
import { EngineProcessor } from '../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { ManualAwards } from '../src/pipeline/manual-awards.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { FakeDiscord, type RecordedRequest } from '../test/support/fake-discord.ts';
import { buttonClick, modalSubmit } from '../test/discord/support/components.ts';
import { CHANNEL, GUILD, guild, member, MEMBER_PERMISSIONS, MOD_ROLE } from '../test/discord/support/payloads.ts';
import { freshDatabase, percentile, record, userId } from './support.ts';

const WARMUP = 20;
const OPENS = 200;

export async function benchTickets(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind);
  await ensureGuilds(database.db, [GUILD]);
  await changeSettings(database.db, GUILD, { tickets: { mode: 'thread', parent_channel_id: CHANNEL, staff_role_ids: [MOD_ROLE] } } as GuildSettingsPatch, 'bench');
  const payload = guild();
  const openers = Array.from({ length: WARMUP + OPENS }, (_, i) => userId(i));
  const fake = await FakeDiscord.start({ guilds: [{ ...payload, members: [...payload.members, ...openers.map((id) => member(id))] }] });
  const configs = new ConfigStore(database);
  await configs.start();
  const awards = new ManualAwards(database);
  const pipeline = new IngestPipeline(database, [new EngineProcessor(configs, { logger: silentLogger, milestones: new MilestoneChecker() }), awards], {}, silentLogger);
  const bot = new DiscordBot({
    token: 'fake-token',
    apiUrl: fake.apiUrl,
    privilegedIntents: ['GuildMembers', 'MessageContent'],
    database,
    pipeline,
    awards,
    configs,
    logger: silentLogger,
    clientOverrides: { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) } },
  });
  const waitFor = (what: string, match: (r: RecordedRequest) => boolean) =>
    new Promise<RecordedRequest>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within 5 s`)), 5_000);
      fake.onRequest = (request) => {
        if (!match(request)) return;
        clearTimeout(timer);
        resolve(request);
      };
    });
  try {
    await bot.start();
    await bot.ready();
    await fake.waitForCalls('PUT', /\/guilds\/\d+\/commands$/);
    const open = async (id: string): Promise<{ modal: number; total: number }> => {
      const click = buttonClick('ticket:open', { id, permissions: MEMBER_PERMISSIONS });
      const started = performance.now();
      const shown = waitFor('modal', (r) => r.method === 'POST' && r.path === `/interactions/${click.id}/${click.token}/callback`);
      fake.dispatch('INTERACTION_CREATE', click);
      if ((await shown).body?.type !== 9) throw new Error('the click did not show the subject modal');
      const modal = performance.now() - started;
      const submit = modalSubmit('ticket:subject:general', { subject: `cannot find my rewards (${id})` }, { id, permissions: MEMBER_PERMISSIONS });
      const answered = waitFor('answer', (r) => r.method === 'PATCH' && r.path.endsWith(`/${submit.token}/messages/@original`));
      fake.dispatch('INTERACTION_CREATE', submit);
      const answer = await answered;
      const text = (answer.body as { embeds?: { description?: string }[] }).embeds?.[0]?.description ?? '';
      if (!text.startsWith('Your ticket #')) throw new Error(`unexpected answer: ${text}`);
      return { modal, total: performance.now() - started };
    };
    for (let i = 0; i < WARMUP; i++) await open(openers[i]!);
    const modal: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      const t = await open(openers[WARMUP + i]!);
      modal.push(t.modal);
      total.push(t.total);
    }
    modal.sort((a, b) => a - b);
    total.sort((a, b) => a - b);
    const threads = fake.calls('POST', /^\/channels\/\d+\/threads$/).length;
    if (threads !== WARMUP + OPENS) throw new Error(`expected ${WARMUP + OPENS} threads, the fake saw ${threads}`);
    const note = `${OPENS} opens one at a time: click → modal → submit → private thread, members, ticket_opened, first message, answer`;
    record({ bench: 'tickets', database: kind, case: 'ticket open: click → modal shown, p50', value: percentile(modal, 50), unit: 'ms' });
    record({ bench: 'tickets', database: kind, case: 'ticket open: click → modal shown, p99', value: percentile(modal, 99), unit: 'ms' });
    record({ bench: 'tickets', database: kind, case: 'ticket open: click → thread ready, p50', value: percentile(total, 50), unit: 'ms', note });
    record({ bench: 'tickets', database: kind, case: 'ticket open: click → thread ready, p99', value: percentile(total, 99), unit: 'ms' });
  } finally {
    fake.onRequest = undefined;
    await bot.stop();
    await configs.stop();
    await fake.close();
    await dispose();
  }
}
