CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"actor" text NOT NULL,
	"action" varchar(48) NOT NULL,
	"entity_type" varchar(24) NOT NULL,
	"entity_key" text,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "currencies" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"key" varchar(32) NOT NULL,
	"name" text NOT NULL,
	"symbol" text DEFAULT '' NOT NULL,
	"spendable" boolean DEFAULT false NOT NULL,
	"seasonal" boolean DEFAULT false NOT NULL,
	"allow_negative" boolean DEFAULT false NOT NULL,
	"level_curve" jsonb,
	"display_order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_counters_daily" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"event_type" varchar(40) NOT NULL,
	"side" varchar(6) NOT NULL,
	"day" date NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"value_sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "event_counters_daily_guild_id_user_id_event_type_side_day_pk" PRIMARY KEY("guild_id","user_id","event_type","side","day")
);
--> statement-breakpoint
CREATE TABLE "event_counters_total" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"event_type" varchar(40) NOT NULL,
	"side" varchar(6) NOT NULL,
	"channel_id" bigint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	"value_sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "event_counters_total_guild_id_user_id_event_type_side_channel_id_pk" PRIMARY KEY("guild_id","user_id","event_type","side","channel_id")
);
--> statement-breakpoint
CREATE TABLE "guilds" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"config_version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lake_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"source_id" varchar(128) NOT NULL,
	"type" varchar(40) NOT NULL,
	"actor_id" bigint,
	"target_id" bigint,
	"channel_id" bigint,
	"occurred_at" timestamp with time zone NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"origin" varchar(16) DEFAULT 'api' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_milestones" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"milestone_id" integer NOT NULL,
	"season_id" integer DEFAULT 0 NOT NULL,
	"lake_event_id" bigint,
	"awarded_by" text,
	"earned_at" timestamp with time zone NOT NULL,
	CONSTRAINT "member_milestones_guild_id_user_id_milestone_id_season_id_pk" PRIMARY KEY("guild_id","user_id","milestone_id","season_id")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"display_name" text,
	"roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"is_bot" boolean DEFAULT false NOT NULL,
	"joined_at" timestamp with time zone,
	"left_at" timestamp with time zone,
	"announce_opt_out" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "milestones" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"key" varchar(64) NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"document" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"kind" varchar(24) NOT NULL,
	"payload" jsonb NOT NULL,
	"status" varchar(12) DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"lake_event_id" bigint,
	"rule_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "purchases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"item_id" integer NOT NULL,
	"user_id" bigint NOT NULL,
	"price" bigint NOT NULL,
	"currency_id" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_firings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"rule_id" integer NOT NULL,
	"rule_version" integer NOT NULL,
	"lake_event_id" bigint,
	"actor_id" bigint,
	"target_id" bigint,
	"channel_id" bigint,
	"depth" smallint DEFAULT 0 NOT NULL,
	"amounts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_versions" (
	"rule_id" integer NOT NULL,
	"version" integer NOT NULL,
	"document" jsonb NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rule_versions_rule_id_version_pk" PRIMARY KEY("rule_id","version")
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"key" varchar(64) NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "season_snapshots" (
	"season_id" integer NOT NULL,
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"currency_id" integer NOT NULL,
	"balance" bigint NOT NULL,
	"lifetime_earned" bigint NOT NULL,
	CONSTRAINT "season_snapshots_season_id_user_id_currency_id_pk" PRIMARY KEY("season_id","user_id","currency_id")
);
--> statement-breakpoint
CREATE TABLE "seasons" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"number" integer NOT NULL,
	"name" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shop_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"key" varchar(48) NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"stock" integer,
	"document" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"currency_id" integer NOT NULL,
	"delta" bigint NOT NULL,
	"balance_after" bigint NOT NULL,
	"source" varchar(16) NOT NULL,
	"lake_event_id" bigint,
	"rule_id" integer,
	"rule_version" integer,
	"season_id" integer,
	"reason" text,
	"detail" jsonb,
	"idem_key" text,
	"at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallets" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"currency_id" integer NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"lifetime_earned" bigint DEFAULT 0 NOT NULL,
	"level" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wallets_guild_id_user_id_currency_id_pk" PRIMARY KEY("guild_id","user_id","currency_id")
);
--> statement-breakpoint
CREATE TABLE "zones" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"key" varchar(48) NOT NULL,
	"name" text NOT NULL,
	"channel_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"multipliers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "currencies" ADD CONSTRAINT "currencies_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_milestones" ADD CONSTRAINT "member_milestones_milestone_id_milestones_id_fk" FOREIGN KEY ("milestone_id") REFERENCES "public"."milestones"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_versions" ADD CONSTRAINT "rule_versions_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "season_snapshots" ADD CONSTRAINT "season_snapshots_season_id_seasons_id_fk" FOREIGN KEY ("season_id") REFERENCES "public"."seasons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seasons" ADD CONSTRAINT "seasons_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_items" ADD CONSTRAINT "shop_items_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallets" ADD CONSTRAINT "wallets_currency_id_currencies_id_fk" FOREIGN KEY ("currency_id") REFERENCES "public"."currencies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zones" ADD CONSTRAINT "zones_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_guild" ON "audit_log" USING btree ("guild_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "currencies_guild_key" ON "currencies" USING btree ("guild_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "lake_events_source" ON "lake_events" USING btree ("guild_id","source_id");--> statement-breakpoint
CREATE INDEX "lake_events_time" ON "lake_events" USING btree ("guild_id","occurred_at");--> statement-breakpoint
CREATE INDEX "lake_events_actor" ON "lake_events" USING btree ("guild_id","actor_id","occurred_at");--> statement-breakpoint
CREATE INDEX "member_milestones_recent" ON "member_milestones" USING btree ("guild_id","earned_at");--> statement-breakpoint
CREATE UNIQUE INDEX "milestones_guild_key" ON "milestones" USING btree ("guild_id","key");--> statement-breakpoint
CREATE INDEX "outbox_pending" ON "outbox" USING btree ("status","available_at");--> statement-breakpoint
CREATE INDEX "purchases_member" ON "purchases" USING btree ("guild_id","item_id","user_id");--> statement-breakpoint
CREATE INDEX "rule_firings_actor" ON "rule_firings" USING btree ("guild_id","rule_id","actor_id","at");--> statement-breakpoint
CREATE INDEX "rule_firings_event" ON "rule_firings" USING btree ("lake_event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rules_guild_key" ON "rules" USING btree ("guild_id","key");--> statement-breakpoint
CREATE INDEX "season_snapshots_board" ON "season_snapshots" USING btree ("season_id","currency_id","balance" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "seasons_guild_number" ON "seasons" USING btree ("guild_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_items_guild_key" ON "shop_items" USING btree ("guild_id","key");--> statement-breakpoint
CREATE INDEX "transactions_member" ON "transactions" USING btree ("guild_id","user_id","currency_id","id");--> statement-breakpoint
CREATE INDEX "transactions_time" ON "transactions" USING brin ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "transactions_idem" ON "transactions" USING btree ("guild_id","idem_key") WHERE "transactions"."idem_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "wallets_leaderboard" ON "wallets" USING btree ("currency_id","balance" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "zones_guild_key" ON "zones" USING btree ("guild_id","key");