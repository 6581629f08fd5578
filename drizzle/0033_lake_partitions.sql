-- The lake becomes a table partitioned by month of occurred_at, converted in place: the old table
-- is renamed, the partitioned one takes its name, its sequence (ids continue) and its rows, and
-- exactly-once moves to lake_event_keys (a unique index on a partitioned table must contain the
-- partition key). Months get a partition from the oldest row's (at most two years back) to two
-- months ahead; anything else lands in the DEFAULT partition, from where src/lake/partitions.ts
-- moves it into its month's partition once that exists.
ALTER TABLE "lake_events" RENAME TO "lake_events_unpartitioned";--> statement-breakpoint
ALTER TABLE "lake_events_unpartitioned" RENAME CONSTRAINT "lake_events_pkey" TO "lake_events_unpartitioned_pkey";--> statement-breakpoint
DROP INDEX "lake_events_source";--> statement-breakpoint
DROP INDEX "lake_events_time";--> statement-breakpoint
CREATE TABLE "lake_events" (
	"id" bigint DEFAULT nextval('lake_events_id_seq'::regclass) NOT NULL,
	"guild_id" bigint NOT NULL,
	"source_id" varchar(128) NOT NULL,
	"type" varchar(40) NOT NULL,
	"actor_id" bigint,
	"target_id" bigint,
	"channel_id" bigint,
	"occurred_at" timestamp with time zone NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"origin" varchar(16) DEFAULT 'api' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lake_events_pkey" PRIMARY KEY("id","occurred_at")
) PARTITION BY RANGE ("occurred_at");--> statement-breakpoint
ALTER SEQUENCE "lake_events_id_seq" OWNED BY "lake_events"."id";--> statement-breakpoint
CREATE INDEX "lake_events_guild_time" ON "lake_events" USING btree ("guild_id","occurred_at");--> statement-breakpoint
CREATE TABLE "lake_events_default" PARTITION OF "lake_events" DEFAULT;--> statement-breakpoint
DO $$
DECLARE
  m timestamp;
  last timestamp := date_trunc('month', now() AT TIME ZONE 'UTC') + interval '2 months';
BEGIN
  m := GREATEST(
    COALESCE(date_trunc('month', (SELECT min(occurred_at) FROM lake_events_unpartitioned) AT TIME ZONE 'UTC'), last),
    date_trunc('month', now() AT TIME ZONE 'UTC') - interval '24 months');
  m := LEAST(m, date_trunc('month', now() AT TIME ZONE 'UTC'));
  WHILE m <= last LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF lake_events FOR VALUES FROM (%L) TO (%L)',
      'lake_events_p' || to_char(m, 'YYYYMM'), (m AT TIME ZONE 'UTC')::text, ((m + interval '1 month') AT TIME ZONE 'UTC')::text);
    m := m + interval '1 month';
  END LOOP;
END $$;--> statement-breakpoint
INSERT INTO "lake_events" ("id", "guild_id", "source_id", "type", "actor_id", "target_id", "channel_id", "occurred_at", "data", "origin", "received_at")
  SELECT "id", "guild_id", "source_id", "type", "actor_id", "target_id", "channel_id", "occurred_at", "data", "origin", "received_at" FROM "lake_events_unpartitioned";--> statement-breakpoint
CREATE TABLE "lake_event_keys" (
	"guild_id" bigint NOT NULL,
	"source_id" varchar(128) NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"event_id" bigint NOT NULL,
	CONSTRAINT "lake_event_keys_pkey" PRIMARY KEY("guild_id","source_id")
);--> statement-breakpoint
INSERT INTO "lake_event_keys" ("guild_id", "source_id", "occurred_at", "event_id")
  SELECT "guild_id", "source_id", "occurred_at", "id" FROM "lake_events_unpartitioned";--> statement-breakpoint
CREATE INDEX "lake_event_keys_time" ON "lake_event_keys" USING brin ("occurred_at");--> statement-breakpoint
DROP TABLE "lake_events_unpartitioned";
