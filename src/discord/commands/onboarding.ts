// /onboarding — a new member's checklist (what is done, what is left) and, when the server has a
// questionnaire, a button that re-opens it privately so answers (and their roles) can be changed.
import { SlashCommandBuilder } from 'discord.js';
import { ONBOARDING_MODULE, onboardingFlow } from '../../onboarding/flow.ts';
import { checklistText, openId } from '../../onboarding/messages.ts';
import { memberProgress } from '../../onboarding/progress.ts';
import type { SlashCommand } from './command.ts';
import { Colour, embed, refuse, relativeTime } from './replies.ts';

export const onboarding: SlashCommand = {
  data: new SlashCommandBuilder().setName('onboarding').setDescription('Your first steps on this server, and the welcome questions').toJSON(),
  access: 'member',
  ephemeral: true,
  module: ONBOARDING_MODULE,
  async run({ guildId, userId, db, configs, clock }) {
    const flow = onboardingFlow((await configs.get(guildId)).settings);
    if (!flow) return refuse('onboarding_off', 'This server has no welcome flow right now.');
    const progress = await memberProgress(db, guildId, userId, flow.settings, clock.now());
    if (!progress) return refuse('not_onboarding', 'The welcome flow is for members who joined while it was on; you were here before it. Welcome anyway!');
    const descriptions = new Map(flow.settings.steps.map((s) => [s.key, s.description]));
    const steps = progress.steps.map((s) => ({ label: s.label, description: descriptions.get(s.key) ?? '', done: s.completedAt !== null }));
    const done = steps.filter((s) => s.done).length;
    const status = progress.completedAt ? `All done ${relativeTime(progress.completedAt)} 🎉` : `${done} of ${progress.steps.length} done`;
    const reply = embed('Your first steps', `${checklistText(steps)}\n\n${status}`.trim(), progress.completedAt ? { color: Colour.success } : {});
    const button = { type: 2, style: 1, label: 'Answer the welcome questions', custom_id: openId(guildId, userId) };
    return { embeds: [reply], ...(flow.questionnaire ? { components: [{ type: 1, components: [button] }] as never } : {}) };
  },
};
