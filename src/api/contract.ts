// The API's answers as types, for its clients: each is inferred from the zod schema the server
// answers with (or is the engine's own type), so a client cannot drift from the server. The panel
// imports this module with `import type` through its `$api` alias; being types only, none of it
// reaches the browser bundle. Add a type here rather than restating a shape in the panel.
import type { z } from 'zod';
import type { EngagementSettings as EngagementSettingsSchema } from '../analytics/engagement-score.ts';
import type { CurrencySchema } from '../ledger/currency.ts';
import type { ConfigDiff } from '../presets/diff.ts';
import type { recentRuleErrors } from '../rules/rule-errors.ts';
import type { ZoneSchema } from '../rules/zones.ts';
import type { AuditEntryOut, GuildOut, ImportOut, OverviewOut, SettingsOut, PresetCard as PresetCardOut, PrincipalOut, SeasonOut } from './responses.ts';
import type { EngagementOut, EventOut, EventsOut, PresenceOut, PulseOut } from './routes/analytics.ts';
import type { Directory as DirectoryOut } from './routes/directory.ts';
import type { GuildHealthOut } from './routes/guild-health.ts';
import type { GuildSettingsPatch, PublicLeaderboardSettings as PublicLeaderboardSettingsOut } from '../guilds/settings.ts';
import type { LeaderboardOut } from './routes/leaderboard.ts';
import type { VisibilityOut } from './routes/member-visibility.ts';
import type { MemberListOut, MemberListQuery as MemberListQuerySchema, MemberProfileOut } from './routes/members.ts';
import type { ModuleOut, ModuleSwitch as ModuleSwitchIn } from './routes/modules.ts';
import type { NamesOut } from './routes/names.ts';
import type { RuleOut, VersionOut } from './routes/rules.ts';
import type { InstantiateBody, InstantiateOut, PreviewOut, TemplateOut } from './routes/rule-templates.ts';
import type { InvitersOut, JoinsOut, MemberInvitesOut } from './routes/invites.ts';
import type { RuleTemplateSchema } from '../rules/templates/rule-template.ts';
import type { ItemOut } from './routes/shop.ts';
import type { ConfigVersionOut, EntityHistoryOut, RestoredOut } from './routes/history.ts';
import type { CommandOut } from './routes/commands.ts';
import type { CustomCommandInput } from '../custom-commands/schema.ts';
import type { GuildOpsOut, OpsHealthOut, PauseOut } from './routes/ops.ts';
import type { ReplySuggestionsOut } from './routes/ticket-ai.ts';
import type { GeneratedOut } from './routes/suggestions.ts';
import type { StatusOut as AiStatusOut } from './routes/ai.ts';
import type { Distribution, SuggestionOut } from '../suggestions/types.ts';
import type { TicketDetailOut, TicketListOut, TicketMetricsOut, TranscriptExportOut } from './routes/ticket-schemas.ts';
import type { TicketCategory as TicketCategorySchema, TicketSettings as TicketSettingsSchema } from '../tickets/settings.ts';
import type { FunnelOut as OnboardingFunnelOut, ProgressOut as OnboardingProgressOut, StuckOut as OnboardingStuckOut } from './routes/onboarding.ts';
import type { OnboardingSettings as OnboardingSettingsSchema } from '../onboarding/settings.ts';

export type Guild = z.output<typeof GuildOut>;
export type Principal = z.output<typeof PrincipalOut>;
export type Overview = z.output<typeof OverviewOut>;
export type Season = z.output<typeof SeasonOut>;
/** GET /guilds/:g/leaderboard: a page of a ranking, with names, avatars and level progress. */
export type Leaderboard = z.output<typeof LeaderboardOut>;
/** GET /guilds/:g/audit-log: one configuration change (the actor is text: see dashboard/src/lib/actor.ts). */
export type AuditEntry = z.output<typeof AuditEntryOut>;
export type LeaderboardEntry = Leaderboard['entries'][number];
export type LevelProgress = NonNullable<LeaderboardEntry['level']>;
/** GET /guilds/:g/settings: identity plus every stored setting (typed where the panel reads one). */
export type GuildSettingsView = z.output<typeof SettingsOut> & Partial<z.output<typeof GuildSettingsPatch>>;
/** PATCH /guilds/:g/settings: the fields to change (null removes a setting). */
export type GuildSettingsChange = z.input<typeof GuildSettingsPatch>;
export type PublicLeaderboardSettings = z.output<typeof PublicLeaderboardSettingsOut>;
/** The words a guild may rename besides its currencies (settings.labels), and what the panel shows by default. */
export type { LabelTerm } from '../guilds/labels.ts';
/** PUT /guilds/:g/members/:id/visibility. */
export type MemberVisibility = z.output<typeof VisibilityOut>;
/** GET /guilds/:g/directory: channels and roles for pickers (names are null when only stored ids are known). */
export type Directory = z.output<typeof DirectoryOut>;
/** GET|POST /guilds/:g/names: the names behind member, channel and role ids (unknown ids left out). */
export type Names = NamesOut;
export type MemberName = Names['members'][string];
export type ChannelName = Names['channels'][string];
export type RoleName = Names['roles'][string];
/** GET /guilds/:g/currencies: each currency with its row id. */
export type Currency = z.output<typeof CurrencySchema> & { id: number };
export type LevelCurve = NonNullable<Currency['level_curve']>;
export type Zone = z.output<typeof ZoneSchema>;
/** GET /guilds/:g/shop: an item with its row id. */
export type ShopItem = z.output<typeof ItemOut>;
export type PresetCard = z.output<typeof PresetCardOut>;
/** GET /guilds/:g/commands (each): a custom slash command, and whether its module is on. */
export type CustomCommand = z.output<typeof CommandOut>;
export type CustomCommandOption = CustomCommand['options'][number];
/** PUT /guilds/:g/commands/:name: the document (defaults filled in by the server). */
export type CustomCommandDocument = CustomCommandInput;
/** POST /guilds/:g/presets/import: the diff of the chosen mode, applied or not. */
export type ImportResult = Omit<z.output<typeof ImportOut>, 'diff'> & { diff: ConfigDiff };

/** GET /guilds/:g/members: one page of the members list, with the total that matched. */
export type MemberList = z.output<typeof MemberListOut>;
export type MemberRow = MemberList['members'][number];
export type MemberRole = MemberRow['roles'][number];
/** The query GET /guilds/:g/members accepts (every field optional: the server fills defaults). */
export type MemberListQuery = Partial<z.output<typeof MemberListQuerySchema>>;
/** GET /guilds/:g/members/:id: the profile, header (name, avatar, roles) to transactions. */
export type MemberProfile = z.output<typeof MemberProfileOut>;

/** GET /guilds/:g/modules (each), PUT /guilds/:g/modules/:name: a module, its rule counts and commands, on or off. */
export type GuildModule = z.output<typeof ModuleOut>;
/** PUT /guilds/:g/modules/:name. */
export type ModuleSwitch = z.input<typeof ModuleSwitchIn>;

/** GET /guilds/:g/health: rules failing or quarantined, invalid rules, events set aside. */
export type GuildHealth = z.output<typeof GuildHealthOut>;
export type RuleHealth = GuildHealth['rules'][number];
export type FailedEvent = GuildHealth['failedEvents']['items'][number];
/** GET /guilds/:g/ops: the guild's operations view (null sections: the database is down). */
export type GuildOps = z.output<typeof GuildOpsOut>;
/** GET /ops/health: every guild's (operator). */
export type OpsHealth = z.output<typeof OpsHealthOut>;
export type PauseResult = z.output<typeof PauseOut>;
/** GET /guilds/:g/rules (each), GET|PUT|PATCH /guilds/:g/rules/:key: a rule with its stored document. */
export type Rule = z.output<typeof RuleOut>;
/** GET /guilds/:g/rules/:key/versions: one version with its key-by-key diff from the one before. */
export type RuleVersion = z.output<typeof VersionOut>;
/** Set on a rule Cairn disabled because it kept failing; saving it enabled lifts it. */
export type RuleQuarantine = NonNullable<z.output<typeof RuleOut>['quarantine']>;
/** GET /guilds/:g/health/rules/:key/errors: one of a rule's last failures. */
export type RuleErrorEntry = Awaited<ReturnType<typeof recentRuleErrors>>[number];
/** GET /guilds/:g/analytics/events: scheduled events with names, host, status and attendance. */
export type ScheduledEventSummary = z.output<typeof EventsOut>[number];
/** GET /guilds/:g/analytics/events/:id: one scheduled event and who attended it. */
export type ScheduledEventDetail = z.output<typeof EventOut>;
/** GET /guilds/:g/analytics/presence: online time (presence intent only). */
export type PresenceAnalytics = z.output<typeof PresenceOut>;
/** GET /guilds/:g/analytics/pulse: this week's engagement score against last week's. */
export type ImpactPulse = z.output<typeof PulseOut>;
/** GET /guilds/:g/analytics/engagement. */
export type EngagementAnalytics = z.output<typeof EngagementOut>;
/** settings.engagement: the engagement score's weights. */
export type EngagementSettings = z.output<typeof EngagementSettingsSchema>;
/** POST /guilds/:g/health/failed-events/retry. */
export type { RetryResult } from '../pipeline/failed-events.ts';

/** GET /guilds/:g/history/:kind/:key: one entity's versions (deleted ones too), newest first. */
export type EntityHistory = z.output<typeof EntityHistoryOut>;
export type ConfigVersion = z.output<typeof ConfigVersionOut>;
export type HistoryKind = EntityHistory['kind'];
/** POST /guilds/:g/history/:kind/:key/restore and POST /guilds/:g/audit-log/:id/rollback (every kind but rules). */
export type RestoredVersion = z.output<typeof RestoredOut>;

/** GET /guilds/:g/tickets/:number/suggestions: FAQ answers, or AI replies grounded in them. */
export type TicketReplySuggestions = z.output<typeof ReplySuggestionsOut>;
export type TicketReplySuggestion = TicketReplySuggestions['suggestions'][number];
/** A ticket's AI summary as the ticket page shows it (the text, or why there is none yet). */
export type { SummaryState as TicketSummaryState } from '../tickets/summary-state.ts';

export type { ConfigDiff, EntryChange, FieldChange, SectionDiff, Section } from '../presets/diff.ts';
export type { DryRunResult } from '../rules/dry-run.ts';
export type { EffectTrace, RuleTrace } from '../rules/types.ts';

/** GET /guilds/:g/tickets: a page of the queue with the counts per status (its tabs). */
export type TicketList = z.output<typeof TicketListOut>;
export type TicketRow = TicketList['tickets'][number];
export type TicketStatusCounts = TicketList['counts'];
/** GET /guilds/:g/tickets/:number: the ticket, its timeline, its transcript or why there is none. */
export type TicketDetail = z.output<typeof TicketDetailOut>;
export type TicketTimelineEntry = TicketDetail['timeline'][number];
export type TicketMessage = NonNullable<TicketDetail['transcript']>['messages'][number];
/** GET /guilds/:g/tickets/:number/transcript.json. */
export type TicketTranscript = z.output<typeof TranscriptExportOut>;
/** GET /guilds/:g/tickets/metrics: p50/p90 per week and per staff member, and the backlog. */
export type TicketMetrics = z.output<typeof TicketMetricsOut>;
export type TicketPercentiles = TicketMetrics['weeks'][number]['firstResponse'];
/** settings.tickets as stored (defaults filled in), and one of its categories. */
export type TicketSettings = z.output<typeof TicketSettingsSchema>;
export type TicketCategory = z.output<typeof TicketCategorySchema>;
/** settings.onboarding as stored (defaults filled in), and as PATCH /settings takes it. */
export type OnboardingFlow = z.output<typeof OnboardingSettingsSchema>;
export type OnboardingFlowInput = z.input<typeof OnboardingSettingsSchema>;
export type OnboardingStep = OnboardingFlow['steps'][number];
export type OnboardingQuestion = OnboardingFlow['questionnaire']['questions'][number];
/** GET /guilds/:g/onboarding/funnel: joined → welcomed → steps → completed, overall and per week of joining. */
export type OnboardingFunnel = z.output<typeof OnboardingFunnelOut>;
/** GET /guilds/:g/onboarding/stuck: a page of stuck members with the step each is at. */
export type OnboardingStuck = z.output<typeof OnboardingStuckOut>;
export type OnboardingStuckMember = OnboardingStuck['members'][number];
/** GET /guilds/:g/onboarding/members/:id: one member's progress. */
export type OnboardingProgress = z.output<typeof OnboardingProgressOut>;
// FAQ (/guilds/:g/faq).
import type { FaqEntryOut, FaqSearchOut, UnansweredOut } from './routes/faq.ts';
import type { FaqEntrySchema } from '../faq/schema.ts';
export type FaqEntry = z.output<typeof FaqEntryOut>;
export type FaqEntryInput = z.input<typeof FaqEntrySchema>;
export type FaqSearch = z.output<typeof FaqSearchOut>;
export type FaqUnanswered = z.output<typeof UnansweredOut>;
export type RuleTemplate = z.output<typeof TemplateOut>;
export type RuleTemplateInput = z.input<typeof RuleTemplateSchema>;
export type RuleTemplateInstantiate = z.input<typeof InstantiateBody>;
export type RuleTemplateInstance = z.output<typeof InstantiateOut>;
/** POST /guilds/:g/rule-templates/preview: a template checked without saving, and its example run. */
export type RuleTemplatePreview = z.output<typeof PreviewOut>;
// Invites (/guilds/:g/invites).
export type Inviters = z.output<typeof InvitersOut>;
export type InviteJoins = z.output<typeof JoinsOut>;
export type InviteJoin = InviteJoins['joins'][number];
export type MemberInvites = z.output<typeof MemberInvitesOut>;

// Suggestions (/guilds/:g/suggestions), each with its backtest.
export type Suggestion = z.output<typeof SuggestionOut>;
export type SuggestionDistribution = z.output<typeof Distribution>;
export type SuggestionsGenerated = z.output<typeof GeneratedOut>;
/** GET /guilds/:g/ai/status. */
export type AiStatus = z.output<typeof AiStatusOut>;
