// The questionnaire's buttons and select menus (custom ids onb:<kind>:<guild>:<user>:…), in a DM,
// the onboarding channel or a private /onboarding reply: an answer is stored and its roles
// reconciled (outbox), the message shows the choice, and once every required question is answered
// the questionnaire step's event goes through the pipeline (a replayed click counts once).
import { MessageFlags, type APIActionRowComponent, type APIComponentInMessageActionRow } from 'discord.js';
import { isSnowflake } from '../../db/snowflake.ts';
import { answerQuestion, type Choice } from '../../onboarding/answers.ts';
import { stepCompletedEvent } from '../../onboarding/events.ts';
import { ONBOARDING_MODULE, onboardingFlow, type CompiledFlow } from '../../onboarding/flow.ts';
import { ONBOARDING_PREFIX, questionMessage, questionRows, type MessageBody } from '../../onboarding/messages.ts';
import { memberProgress } from '../../onboarding/progress.ts';
import type { BotContext } from '../context.ts';
import { CommandError } from '../errors.ts';
import type { ComponentHandler, ComponentInteraction } from '../components/component.ts';

type Rows = APIActionRowComponent<APIComponentInMessageActionRow>[];
/** The messages' components are built as plain Discord JSON (src/onboarding/messages.ts). */
const rows = (components: MessageBody['components']) => (components ?? []) as unknown as Rows;
const asReply = (m: MessageBody) => ({ content: m.content, components: rows(m.components), flags: MessageFlags.Ephemeral as const });

const gone = () => new CommandError('unknown_component', 'This button is not in use any more.');

async function flowOf(context: BotContext, guildId: string): Promise<CompiledFlow> {
  // In a DM the component router cannot tell the guild: the module is checked here for both.
  const flow = onboardingFlow((await context.configs.get(guildId)).settings);
  if (!flow) throw new CommandError('module_off', 'This server\'s welcome flow is switched off.', { module: ONBOARDING_MODULE });
  return flow;
}

function choiceOf(interaction: ComponentInteraction, flow: CompiledFlow, kind: string, questionKey: string, index: string | undefined): Choice {
  if (kind === 's' && interaction.isStringSelectMenu()) return { set: [...interaction.values] };
  const option = flow.settings.questionnaire.questions.find((q) => q.key === questionKey)?.options[Number(index)];
  if (kind !== 'b' || !interaction.isButton() || !option || !/^\d{1,2}$/.test(index ?? '')) throw gone();
  return { toggle: option.key };
}

/** Sends every question privately (the /onboarding "answer" button), with the member's answers shown. */
async function openQuestionnaire(context: BotContext, interaction: ComponentInteraction, guildId: string, userId: string, flow: CompiledFlow): Promise<void> {
  if (!flow.questionnaire) throw new CommandError('onboarding_refused', 'This server has no questionnaire right now.');
  const answers = (await memberProgress(context.db, guildId, userId, flow.settings, context.clock.now()))?.answers ?? [];
  const chosen = (key: string) => answers.find((a) => a.question === key)?.options.map((o) => o.key) ?? [];
  const [first, ...rest] = flow.settings.questionnaire.questions.map((q) => questionMessage(guildId, userId, q, { inChannel: false, chosen: chosen(q.key) }));
  await interaction.reply(asReply(first!));
  for (const message of rest) await interaction.followUp(asReply(message));
}

export const questionnaireComponent: ComponentHandler = {
  prefix: ONBOARDING_PREFIX,
  module: ONBOARDING_MODULE,
  async handle(context, interaction, args) {
    const [kind = '', guildId = '', userId = '', questionKey = '', index] = args;
    if (!isSnowflake(guildId) || !isSnowflake(userId)) throw gone();
    if (interaction.user.id !== userId) throw new CommandError('not_your_component', 'These questions are for another member; use /onboarding for your own.');
    const flow = await flowOf(context, guildId);
    if (kind === 'o') return openQuestionnaire(context, interaction, guildId, userId, flow);
    const at = context.clock.now().toISOString();
    const result = await answerQuestion(context.db, { guildId, userId, flow, questionKey, choice: choiceOf(interaction, flow, kind, questionKey, index), at });
    if (!result.ok) throw new CommandError('onboarding_refused', result.message, { refusal: result.code });
    if (result.rolesAdded.length + result.rolesRemoved.length > 0) context.outbox?.wake();
    if (interaction.isMessageComponent()) await interaction.update({ components: rows(questionRows(guildId, userId, result.question, result.chosen)) });
    const step = flow.steps.find((s) => s.kind === 'questionnaire');
    if (!result.answered || !step) return;
    // The questionnaire step itself counts as done once the answers are in: the others done before it.
    const done = (await memberProgress(context.db, guildId, userId, flow.settings, context.clock.now()))?.steps.filter((s) => s.completedAt !== null && s.key !== step.key).length ?? 0;
    const event = stepCompletedEvent({ guildId, userId, step: step.key, at, completed: done + 1, total: flow.steps.length });
    const ingested = await context.pipeline.ingest([event], { origin: 'gateway', guildId });
    if (ingested.accepted > 0) {
      context.outbox?.wake();
      await interaction.followUp({ content: '✅ Thanks, your answers are saved. Change them any time here or with /onboarding.', flags: MessageFlags.Ephemeral });
    }
  },
};
