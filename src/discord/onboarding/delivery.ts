// Sends an onboarding_message outbox row: by DM (falling back to the configured channel when
// Discord refuses the DM, code 50007), or into the channel; a welcome row records how it went in
// onboarding_members.welcome_status. Only the member may be pinged, whatever the template says.
import { DiscordAPIError, Routes, type REST } from 'discord.js';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { recordWelcome, type WelcomeStatus } from '../../onboarding/members.ts';
import { classifyFailure, UndeliverableError, type OutboxRow } from '../outbox-delivery.ts';

const Message = z.object({ content: z.string().max(2000), components: z.array(z.record(z.string(), z.unknown())).max(5).optional() });
const Payload = z.object({
  user_id: Snowflake,
  part: z.enum(['welcome', 'questionnaire']),
  where: z.enum(['dm', 'channel']),
  channel_id: Snowflake.nullable(),
  messages: z.array(Message).min(1).max(10),
});
type Payload = z.output<typeof Payload>;

const DM_REFUSED = 50007;
const isDmRefused = (error: unknown) => error instanceof DiscordAPIError && Number(error.code) === DM_REFUSED;

function bodies(row: OutboxRow, p: Payload, mention: boolean) {
  return p.messages.map((m, i) => ({
    content: mention && !m.content.includes(`<@${p.user_id}>`) ? `<@${p.user_id}> ${m.content}`.slice(0, 2000) : m.content,
    ...(m.components ? { components: m.components } : {}),
    allowed_mentions: { parse: [], users: [p.user_id] },
    // A retry after a lost response posts each message once (Discord drops a repeated nonce).
    nonce: `cairn-${row.id}-${i}`.slice(0, 25),
    enforce_nonce: true,
  }));
}

async function post(rest: REST, channelId: string, messages: ReturnType<typeof bodies>): Promise<void> {
  for (const body of messages) await rest.post(Routes.channelMessages(channelId), { body });
}

export async function deliverOnboarding(rest: REST, db: Executor, row: OutboxRow): Promise<void> {
  const parsed = Payload.safeParse(row.payload);
  if (!parsed.success) throw new UndeliverableError(`payload of an onboarding_message row is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const p = parsed.data;
  let recorded = false;
  const record = async (status: WelcomeStatus) => {
    recorded = true;
    if (p.part === 'welcome') await recordWelcome(db, row.guildId, p.user_id, status);
  };
  let status: WelcomeStatus;
  try {
    if (p.where === 'channel') {
      if (!p.channel_id) throw new UndeliverableError('no channel is set for the onboarding message');
      await post(rest, p.channel_id, bodies(row, p, true));
      status = 'channel';
    } else {
      try {
        const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: p.user_id } })) as { id: string };
        await post(rest, dm.id, bodies(row, p, false));
        status = 'sent';
      } catch (error) {
        if (!isDmRefused(error)) throw error;
        if (!p.channel_id) {
          await record('dm_refused');
          throw new UndeliverableError('the member does not accept direct messages from the bot, and no onboarding channel is set to fall back to');
        }
        await post(rest, p.channel_id, bodies(row, p, true));
        status = 'fallback';
      }
    }
  } catch (error) {
    if (!recorded && classifyFailure(error).permanent) await record('failed');
    throw error;
  }
  await record(status);
}
