// Response schemas shared by the OpenAPI entries (and checked against real responses in
// test/api/contract.test.ts): each says what a route answers, so a client can rely on it.
import { z } from 'zod';

export const Deleted = z.object({ deleted: z.string() });

const FieldChange = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() }).meta({ id: 'FieldChange', description: 'One leaf path where two documents differ' });
export { FieldChange };

export const AuditEntryOut = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityKey: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    diff: z.array(FieldChange).meta({ description: 'Key by key: every path whose value changed, with its value before and after' }),
    revertible: z.boolean().meta({ description: 'A change that POST audit-log/{id}/rollback can undo (restores the state before it)' }),
  })
  .meta({ id: 'AuditEntry' });

export const SeasonOut = z.object({ id: z.number(), number: z.number(), name: z.string(), startedAt: z.string(), endedAt: z.string().nullable(), current: z.boolean() }).meta({ id: 'Season' });
const SeasonRow = z.object({ id: z.number(), number: z.number(), name: z.string(), startedAt: z.unknown(), endedAt: z.unknown() });
export const RollOut = z.union([
  z.object({ status: z.literal('rolled'), closed: SeasonRow, opened: SeasonRow, walletsReset: z.number() }),
  z.object({ status: z.literal('already_rolled'), current: SeasonRow }),
]);

export const SettingsOut = z
  .object({ id: z.string(), name: z.string(), timezone: z.string(), isDemo: z.boolean(), retention_days: z.number() })
  .catchall(z.unknown())
  .meta({ id: 'GuildSettingsView', description: 'Guild identity plus every stored setting (see GuildSettings)' });

export const OverviewOut = z
  .object({
    days: z.number(),
    totals: z.object({ members: z.number(), events: z.number(), milestonesEarned: z.number() }),
    eventsPerDay: z.array(z.object({ day: z.string(), type: z.string(), count: z.number() })),
    currencyPerDay: z.array(z.object({ day: z.string(), currency: z.string(), minted: z.number(), burned: z.number() })),
    topEarners: z.record(z.string(), z.array(z.object({ userId: z.string(), name: z.string().nullable(), balance: z.number() }))),
  })
  .meta({ id: 'Overview' });

export const DataSourcesOut = z
  .object({
    retentionDays: z.number(),
    days: z.number(),
    types: z.array(z.object({ type: z.string(), captured: z.boolean(), internal: z.boolean(), events: z.number(), lastSeenDay: z.string().nullable() })),
  })
  .meta({ id: 'DataSources' });

export const CurvePreviewOut = z
  .object({ levels: z.array(z.object({ level: z.number(), threshold: z.number().nullable(), step: z.number().nullable() })) })
  .meta({ id: 'CurvePreview', description: 'threshold: the total needed to leave the level (null beyond a table); step: the cost of this level alone' });

const Trace = z
  .object({
    rule: z.string(), name: z.string(), version: z.number(), module: z.string(), mode: z.enum(['live', 'shadow']), priority: z.number(),
    trigger: z.object({ matched: z.boolean(), reason: z.string().optional(), listening: z.literal(false).optional().meta({ description: 'the rule does not listen to this event type (rules that listen but were filtered out have matched: false and a reason)' }) }),
    conditions: z.array(z.object({ name: z.string(), value: z.unknown(), passed: z.boolean() })),
    limits: z.array(z.object({ kind: z.string(), per: z.string(), passed: z.boolean(), state: z.string() })),
    effects: z.array(z.record(z.string(), z.unknown())),
    fired: z.boolean(), applied: z.boolean(), skipped: z.string().optional(), error: z.string().optional(),
  })
  .passthrough()
  .meta({ id: 'RuleTrace' });

export const DryRunOut = z
  .object({
    guild_id: z.string(),
    rules_version: z.number(),
    event: z.record(z.string(), z.unknown()),
    rules: z.array(Trace),
    chain: z.array(z.object({ event: z.record(z.string(), z.unknown()), depth: z.number(), rules: z.array(Trace), notes: z.array(z.string()) })),
    notes: z.array(z.string()),
    balances: z.record(z.string(), z.record(z.string(), z.object({ before: z.number(), after: z.number() }))),
    levels: z.record(z.string(), z.record(z.string(), z.object({ before: z.number().nullable(), after: z.number().nullable() }))),
    outbox: z.array(z.unknown()),
    milestones: z.array(z.object({ member: z.string(), milestone: z.string() })),
    errors: z.array(z.object({ rule: z.string(), message: z.string() })),
    invalid_rules: z.array(z.object({ rule: z.string(), path: z.string(), message: z.string() })),
  })
  .meta({ id: 'DryRunTrace' });

export const PrincipalOut = z.object({ kind: z.enum(['admin', 'user']), id: z.string(), name: z.string(), guildIds: z.array(z.string()).nullable() });
export const LoginOut = z.object({ principal: PrincipalOut, csrfToken: z.string(), expiresAt: z.string() });
export const MeOut = z.object({ principal: PrincipalOut, csrfToken: z.string().nullable() });

const SectionDiff = z.object({
  added: z.array(z.string()),
  changed: z.array(z.object({ key: z.string(), changes: z.array(FieldChange), summary: z.array(z.string()).meta({ description: 'the changes in plain words, one per top-level field (e.g. "replaces the level curve: … → …")' }) })).meta({ description: 'entries the guild has that the import overwrites' }),
  removed: z.array(z.string()).meta({ description: 'entries the import deletes (replace mode only)' }),
  kept: z.array(z.string()).meta({ description: 'entries the recipe lacks that stay as they are (merge mode only)' }),
  unchanged: z.number(),
});
export const ImportOut = z
  .object({
    recipe: z.object({ key: z.string(), name: z.string(), version: z.string() }),
    dryRun: z.boolean(),
    mode: z.enum(['merge', 'replace']),
    applied: z.boolean(),
    summary: z.unknown(),
    diff: z.object({ mode: z.enum(['merge', 'replace']), currencies: SectionDiff, zones: SectionDiff, rules: SectionDiff, milestones: SectionDiff, shop: SectionDiff, commands: SectionDiff, labels: z.array(FieldChange), settings: z.array(FieldChange).meta({ description: 'changes of the settings sections a recipe carries (settings.tickets…), path by path' }), identical: z.boolean().meta({ description: 'applying writes nothing' }) }),
  })
  .meta({ id: 'ImportResult' });

export const PresetCard = z
  .object({
    key: z.string(), name: z.string(), description: z.string(), version: z.string(),
    counts: z.object({ currencies: z.number(), zones: z.number(), rules: z.number(), milestones: z.number(), shop: z.number() }),
    placeholders: z.object({ channels: z.array(z.object({ name: z.string(), description: z.string() })), roles: z.array(z.object({ name: z.string(), description: z.string() })) }),
  })
  .meta({ id: 'PresetCard' });

export const TokenOut = z.object({ id: z.number(), name: z.string(), guildIds: z.array(z.string()), createdBy: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() });
export const IssuedTokenOut = z.object({ id: z.number(), name: z.string(), guildIds: z.array(z.string()), token: z.string().meta({ description: 'shown once' }) });
export const GuildOut = z.object({ id: z.string(), name: z.string(), isDemo: z.boolean(), timezone: z.string(), configVersion: z.number() });
