// The API's answers as types, for its clients: each is inferred from the zod schema the server
// answers with (or is the engine's own type), so a client cannot drift from the server. The panel
// imports this module with `import type` through its `$api` alias; being types only, none of it
// reaches the browser bundle. Add a type here rather than restating a shape in the panel.
import type { z } from 'zod';
import type { CurrencySchema } from '../ledger/currency.ts';
import type { ConfigDiff } from '../presets/diff.ts';
import type { ZoneSchema } from '../rules/zones.ts';
import type { GuildOut, ImportOut, LeaderboardOut, OverviewOut, PresetCard as PresetCardOut, PrincipalOut, SeasonOut } from './responses.ts';
import type { Directory as DirectoryOut } from './routes/directory.ts';

export type Guild = z.output<typeof GuildOut>;
export type Principal = z.output<typeof PrincipalOut>;
export type Overview = z.output<typeof OverviewOut>;
export type Season = z.output<typeof SeasonOut>;
export type Leaderboard = z.output<typeof LeaderboardOut>;
/** GET /guilds/:g/directory: channels and roles for pickers (names are null when only stored ids are known). */
export type Directory = z.output<typeof DirectoryOut>;
/** GET /guilds/:g/currencies: each currency with its row id. */
export type Currency = z.output<typeof CurrencySchema> & { id: number };
export type LevelCurve = NonNullable<Currency['level_curve']>;
export type Zone = z.output<typeof ZoneSchema>;
export type PresetCard = z.output<typeof PresetCardOut>;
/** POST /guilds/:g/presets/import: the diff of the chosen mode, applied or not. */
export type ImportResult = Omit<z.output<typeof ImportOut>, 'diff'> & { diff: ConfigDiff };

export type { ConfigDiff, EntryChange, FieldChange, SectionDiff, Section } from '../presets/diff.ts';
export type { DryRunResult } from '../rules/dry-run.ts';
export type { EffectTrace, RuleTrace } from '../rules/types.ts';
