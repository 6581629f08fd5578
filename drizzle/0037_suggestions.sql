CREATE TABLE "suggestions" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"kind" varchar(32) NOT NULL,
	"source" varchar(16) NOT NULL,
	"status" varchar(16) DEFAULT 'open' NOT NULL,
	"fingerprint" text NOT NULL,
	"title" text NOT NULL,
	"explanation" text NOT NULL,
	"applicable" boolean DEFAULT true NOT NULL,
	"proposal" jsonb NOT NULL,
	"backtest" jsonb NOT NULL,
	"applied" jsonb,
	"decided_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "suggestions_guild_fingerprint" ON "suggestions" USING btree ("guild_id","fingerprint");--> statement-breakpoint
CREATE INDEX "suggestions_guild_status" ON "suggestions" USING btree ("guild_id","status","id");