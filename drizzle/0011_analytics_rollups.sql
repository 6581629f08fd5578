CREATE TABLE "activity_daily" (
	"guild_id" bigint NOT NULL,
	"day" date NOT NULL,
	"event_type" varchar(40) NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "activity_daily_guild_id_day_event_type_pk" PRIMARY KEY("guild_id","day","event_type")
);
--> statement-breakpoint
CREATE TABLE "cohort_activity" (
	"guild_id" bigint NOT NULL,
	"cohort_month" date NOT NULL,
	"month" date NOT NULL,
	"members" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cohort_activity_guild_id_cohort_month_month_pk" PRIMARY KEY("guild_id","cohort_month","month")
);
--> statement-breakpoint
CREATE TABLE "guild_weekly" (
	"guild_id" bigint NOT NULL,
	"week" date NOT NULL,
	"active_members" integer DEFAULT 0 NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	"reactions" integer DEFAULT 0 NOT NULL,
	"events_attended" integer DEFAULT 0 NOT NULL,
	"voice_seconds" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "guild_weekly_guild_id_week_pk" PRIMARY KEY("guild_id","week")
);
--> statement-breakpoint
CREATE TABLE "member_cohorts" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"cohort_month" date NOT NULL,
	CONSTRAINT "member_cohorts_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "member_weekly" (
	"guild_id" bigint NOT NULL,
	"week" date NOT NULL,
	"user_id" bigint NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	"reactions" integer DEFAULT 0 NOT NULL,
	"events_attended" integer DEFAULT 0 NOT NULL,
	"voice_seconds" bigint DEFAULT 0 NOT NULL,
	"activity" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "member_weekly_guild_id_week_user_id_pk" PRIMARY KEY("guild_id","week","user_id")
);
--> statement-breakpoint
CREATE TABLE "voice_guild_daily" (
	"guild_id" bigint NOT NULL,
	"day" date NOT NULL,
	"seconds" bigint DEFAULT 0 NOT NULL,
	"afk_seconds" bigint DEFAULT 0 NOT NULL,
	"sessions" integer DEFAULT 0 NOT NULL,
	"afk_sessions" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "voice_guild_daily_guild_id_day_pk" PRIMARY KEY("guild_id","day")
);
