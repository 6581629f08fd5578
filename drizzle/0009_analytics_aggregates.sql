CREATE TABLE "activity_hourly" (
	"guild_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"event_type" varchar(40) NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "activity_hourly_guild_id_hour_event_type_pk" PRIMARY KEY("guild_id","hour","event_type")
);
--> statement-breakpoint
CREATE TABLE "member_activity_monthly" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"month" date NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "member_activity_monthly_guild_id_user_id_month_pk" PRIMARY KEY("guild_id","user_id","month")
);
--> statement-breakpoint
CREATE TABLE "scheduled_event_stats" (
	"guild_id" bigint NOT NULL,
	"scheduled_event_id" bigint NOT NULL,
	"attendees" integer DEFAULT 0 NOT NULL,
	"minutes_present" bigint DEFAULT 0 NOT NULL,
	"on_time" integer DEFAULT 0 NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "scheduled_event_stats_guild_id_scheduled_event_id_pk" PRIMARY KEY("guild_id","scheduled_event_id")
);
--> statement-breakpoint
CREATE TABLE "voice_daily" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"day" date NOT NULL,
	"seconds" bigint DEFAULT 0 NOT NULL,
	"afk_seconds" bigint DEFAULT 0 NOT NULL,
	"sessions" integer DEFAULT 0 NOT NULL,
	"afk_sessions" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "voice_daily_guild_id_user_id_day_pk" PRIMARY KEY("guild_id","user_id","day")
);
--> statement-breakpoint
CREATE INDEX "member_activity_month" ON "member_activity_monthly" USING btree ("guild_id","month");--> statement-breakpoint
CREATE INDEX "voice_daily_day" ON "voice_daily" USING btree ("guild_id","day");--> statement-breakpoint
CREATE INDEX "event_counters_daily_day" ON "event_counters_daily" USING btree ("guild_id","day");