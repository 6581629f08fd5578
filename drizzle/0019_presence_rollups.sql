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
CREATE INDEX "presence_daily_day" ON "presence_daily" USING btree ("guild_id","day");