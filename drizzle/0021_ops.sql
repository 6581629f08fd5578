CREATE TABLE "activity_hourly_channel" (
	"guild_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"channel_id" bigint NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "activity_hourly_channel_guild_id_hour_channel_id_pk" PRIMARY KEY("guild_id","hour","channel_id")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"name" varchar(48) PRIMARY KEY NOT NULL,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_outcome" varchar(12),
	"last_error" text,
	"last_duration_ms" integer,
	"runs" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lake_guild_stats" (
	"guild_id" bigint PRIMARY KEY NOT NULL,
	"rows" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ops_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"kind" varchar(32) NOT NULL,
	"level" varchar(8) DEFAULT 'error' NOT NULL,
	"message" text NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "paused_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"lake_event_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ops_errors_guild" ON "ops_errors" USING btree ("guild_id","id");--> statement-breakpoint
CREATE INDEX "paused_events_guild" ON "paused_events" USING btree ("guild_id","seq");--> statement-breakpoint
-- Existing lakes are counted once here; from now on the pipeline and the retention job keep the counts.
INSERT INTO "lake_guild_stats" ("guild_id", "rows") SELECT "guild_id", count(*) FROM "lake_events" GROUP BY "guild_id";