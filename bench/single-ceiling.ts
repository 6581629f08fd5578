// The ceiling of "one HTTP request → one durable commit" on this machine, for the single-event
// figures to be read against: a bare node:http server (no auth, no validation, no rules, no lake)
// that group-commits each waiting request's row with one INSERT in one transaction, loaded by the
// same client as Cairn. Whatever Cairn does per event comes on top of this.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';

export interface CeilingServer {
  url: string;
  /** Transactions committed and requests they carried. */
  stats(): { groups: number; requests: number };
  close(): Promise<void>;
}

/** `maxInFlight`: transactions committing at once (the next group forms while one commits). */
export async function startCeilingServer(databaseUrl: string, maxInFlight: number): Promise<CeilingServer> {
  const sql = postgres(databaseUrl, { max: maxInFlight, onnotice: () => {} });
  await sql`CREATE TABLE IF NOT EXISTS bench_ceiling (guild_id bigint, source_id text, data jsonb, PRIMARY KEY (guild_id, source_id))`;
  let waiting: { event: { guild_id: string; source_id: string; data: postgres.JSONValue }; res: http.ServerResponse }[] = [];
  let committing = 0;
  let groups = 0;
  let requests = 0;
  const flush = (): void => {
    if (committing >= maxInFlight || waiting.length === 0) return;
    const group = waiting;
    waiting = [];
    committing++;
    groups++;
    requests += group.length;
    const rows = group.map(({ event }) => ({ g: event.guild_id, s: event.source_id, d: event.data }));
    sql
      .begin((tx) => tx`INSERT INTO bench_ceiling SELECT g, s, d FROM json_to_recordset(${tx.json(rows)}::json) AS v(g bigint, s text, d jsonb) ON CONFLICT DO NOTHING`)
      .then(
        () => group.forEach(({ res }) => res.end('{"accepted":1}')),
        (error: unknown) => group.forEach(({ res }) => ((res.statusCode = 500), res.end(JSON.stringify({ error: String(error) })))),
      )
      .finally(() => {
        committing--;
        flush();
      });
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      waiting.push({ event: JSON.parse(Buffer.concat(chunks).toString('utf8')) as never, res });
      setImmediate(flush);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    stats: () => ({ groups, requests }),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql`DROP TABLE IF EXISTS bench_ceiling`;
      await sql.end();
    },
  };
}
