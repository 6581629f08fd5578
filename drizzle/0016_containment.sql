CREATE TABLE "ingest_failures" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"source_id" varchar(128) NOT NULL,
	"type" varchar(40) NOT NULL,
	"origin" varchar(16) NOT NULL,
	"event" jsonb NOT NULL,
	"error" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"first_failed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"rule_id" integer NOT NULL,
	"rule_version" integer NOT NULL,
	"lake_event_id" bigint,
	"source_id" text NOT NULL,
	"message" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "guilds" ADD COLUMN "lake_pruned_before" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "quarantined_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "quarantine_reason" text;--> statement-breakpoint
ALTER TABLE "rule_errors" ADD CONSTRAINT "rule_errors_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ingest_failures_source" ON "ingest_failures" USING btree ("guild_id","source_id");--> statement-breakpoint
CREATE INDEX "rule_errors_rule" ON "rule_errors" USING btree ("guild_id","rule_id","id");--> statement-breakpoint
CREATE INDEX "rule_errors_time" ON "rule_errors" USING brin ("at");