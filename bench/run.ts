// `npm run bench`: runs every benchmark on PGlite and on Postgres and prints the figures.
// Pick some with `npm run bench -- ledger lake` and one engine with BENCH_DB=pglite|postgres.
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchAnalytics } from './analytics.bench.ts';
import { benchApi } from './api.bench.ts';
import { benchCards } from './cards.bench.ts';
import { benchCluster } from './cluster.bench.ts';
import { benchCommands } from './commands.bench.ts';
import { benchDiscord } from './discord.bench.ts';
import { benchEngine } from './engine.bench.ts';
import { benchLake } from './lake.bench.ts';
import { benchLedger } from './ledger.bench.ts';
import { benchMilestones } from './milestones.bench.ts';
import { benchPanel } from './panel.bench.ts';
import { benchPipeline } from './pipeline.bench.ts';
import { benchPublicLeaderboard } from './public-leaderboard.ts';
import { benchAi } from './ai.bench.ts';
import { benchOps } from './ops.bench.ts';
import { benchSettings } from './settings.bench.ts';
import { benchTickets } from './tickets.bench.ts';
import { benchOnboarding } from './onboarding.bench.ts';
import { benchFaq } from './faq.bench.ts';
import { benchRetention } from './retention.bench.ts';
import { benchPrivacy } from './privacy.bench.ts';
import { benchSuggestions } from './suggestions.bench.ts';
import { figures } from './support.ts';

const suites: Record<string, { run: (kind: 'pglite' | 'postgres') => Promise<void>; database: boolean }> = {
  engine: { run: () => benchEngine(), database: false },
  ledger: { run: benchLedger, database: true },
  lake: { run: benchLake, database: true },
  pipeline: { run: benchPipeline, database: true },
  milestones: { run: benchMilestones, database: true },
  discord: { run: benchDiscord, database: true },
  analytics: { run: benchAnalytics, database: true },
  api: { run: benchApi, database: true },
  ai: { run: benchAi, database: true },
  panel: { run: benchPanel, database: true },
  'public-leaderboard': { run: benchPublicLeaderboard, database: true },
  cards: { run: () => benchCards(), database: false },
  settings: { run: benchSettings, database: true },
  commands: { run: benchCommands, database: true },
  ops: { run: benchOps, database: true },
  tickets: { run: benchTickets, database: true },
  onboarding: { run: benchOnboarding, database: true },
  faq: { run: benchFaq, database: true },
  cluster: { run: benchCluster, database: true },
  retention: { run: benchRetention, database: true },
  privacy: { run: benchPrivacy, database: true },
  suggestions: { run: benchSuggestions, database: true },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(suites);
const kinds = (process.env.BENCH_DB ? [process.env.BENCH_DB] : ['postgres', 'pglite']) as ('pglite' | 'postgres')[];

for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n## ${name}`);
  if (!suite.database) await suite.run('pglite');
  else for (const kind of kinds) await suite.run(kind);
}
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ node: process.version, figures }, null, 2));
console.log(`\nfigures written to ${file}`);
