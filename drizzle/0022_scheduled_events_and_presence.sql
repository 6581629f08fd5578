CREATE TABLE "presence_daily" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"day" date NOT NULL,
	"seconds" bigint DEFAULT 0 NOT NULL,
	"sessions" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "presence_daily_guild_id_user_id_day_pk" PRIMARY KEY("guild_id","user_id","day")
);
--> statement-breakpoint
CREATE TABLE "presence_hourly" (
	"guild_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"seconds" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "presence_hourly_guild_id_hour_pk" PRIMARY KEY("guild_id","hour")
);
--> statement-breakpoint
CREATE TABLE "scheduled_event_attendance" (
	"guild_id" bigint NOT NULL,
	"scheduled_event_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"minutes_present" numeric(14, 1) DEFAULT 0 NOT NULL,
	"sessions" integer DEFAULT 0 NOT NULL,
	"on_time" boolean DEFAULT false NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "scheduled_event_attendance_guild_id_scheduled_event_id_user_id_pk" PRIMARY KEY("guild_id","scheduled_event_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "scheduled_event_interest" (
	"guild_id" bigint NOT NULL,
	"scheduled_event_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	CONSTRAINT "scheduled_event_interest_guild_id_scheduled_event_id_user_id_pk" PRIMARY KEY("guild_id","scheduled_event_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "scheduled_events" (
	"guild_id" bigint NOT NULL,
	"scheduled_event_id" bigint NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"entity_type" varchar(8) NOT NULL,
	"channel_id" bigint,
	"location" text,
	"creator_id" bigint,
	"scheduled_start" timestamp with time zone NOT NULL,
	"scheduled_end" timestamp with time zone,
	"status" varchar(10) NOT NULL,
	"user_count" integer DEFAULT 0 NOT NULL,
	"deleted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scheduled_events_guild_id_scheduled_event_id_pk" PRIMARY KEY("guild_id","scheduled_event_id")
);
--> statement-breakpoint
CREATE INDEX "presence_daily_day" ON "presence_daily" USING btree ("guild_id","day");--> statement-breakpoint
CREATE INDEX "scheduled_events_start" ON "scheduled_events" USING btree ("guild_id","scheduled_start");