CREATE TABLE "presence_sessions" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"status" varchar(8) NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "presence_sessions_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
