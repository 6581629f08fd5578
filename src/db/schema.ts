// The schema: every table Cairn stores, shared by PGlite and postgres.js, one file per concern in
// schema/ (drizzle.config.ts reads them all). This module only re-exports them.
// Discord ids are `snowflake` (bigint in SQL, string in TypeScript). Amounts are whole numbers.
export * from './schema/guilds.ts';
export * from './schema/ledger.ts';
export * from './schema/lake.ts';
export * from './schema/discord.ts';
export * from './schema/rules.ts';
export * from './schema/milestones.ts';
export * from './schema/shop.ts';
export * from './schema/auth.ts';
export * from './schema/ai.ts';
export * from './schema/analytics.ts';
export * from './schema/history.ts';
export * from './schema/commands.ts';
export * from './schema/ops.ts';
export * from './schema/scheduled-events.ts';
export * from './schema/tickets.ts';
export * from './schema/onboarding.ts';
export * from './schema/faq.ts';
export * from './schema/gateway.ts';
export * from './schema/invites.ts';
export * from './schema/rule-templates.ts';
export * from './schema/suggestions.ts';
