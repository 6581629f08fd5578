// Prometheus metrics for the process (prom-client), one registry per Services instance.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly eventsIngested = new Counter({
    name: 'cairn_events_ingested_total',
    help: 'Events offered to the lake, by outcome (accepted, duplicate, rejected).',
    labelNames: ['outcome', 'origin'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Histogram({
    name: 'cairn_http_request_duration_seconds',
    help: 'HTTP request latency by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'cairn_rate_limited_total',
    help: 'API requests refused with 429 by a rate limit, by scope (credential, guild, guild_events) and bucket (ingest, expensive, analytics, api).',
    labelNames: ['scope', 'bucket'] as const,
    registers: [this.registry],
  });
  readonly gatewayEventsDropped = new Counter({
    name: 'cairn_gateway_events_dropped_total',
    help: 'Gateway events given up, by reason: buffer_full (too many held while the database was unreachable), write_failed, shutdown.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** How many gateway events are held in memory; set by whoever runs the bot, read at each scrape. */
  gatewayBuffered: () => number = () => 0;
  readonly gatewayEventsBuffered: Gauge = new Gauge({
    name: 'cairn_gateway_events_buffered',
    help: 'Gateway events held in memory waiting to be written (they pile up while the database is unreachable).',
    registers: [this.registry],
    collect: (): void => this.gatewayEventsBuffered.set(this.gatewayBuffered()),
  });

  readonly ruleErrors = new Counter({
    name: 'cairn_rule_errors_total',
    help: 'Rules that failed at run time on an event (the rule was skipped for it; the event and other rules went on).',
    registers: [this.registry],
  });
  readonly rulesQuarantined = new Counter({
    name: 'cairn_rules_quarantined_total',
    help: 'Rules disabled by Cairn because they kept failing at run time.',
    registers: [this.registry],
  });
  /** How many guilds are failing now; set by the composition root, read at each scrape. */
  failingGuilds: () => number = () => 0;
  readonly guildsFailing: Gauge = new Gauge({
    name: 'cairn_guilds_failing',
    help: 'Guilds with a rule error or an event set aside in the last few minutes (this process); /healthz says degraded while above 0.',
    registers: [this.registry],
    collect: (): void => this.guildsFailing.set(this.failingGuilds()),
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'cairn_' });
  }
}
