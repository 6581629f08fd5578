CREATE TABLE "voice_sessions" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"session_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"idle_whole_session" boolean DEFAULT true NOT NULL,
	"in_afk_channel" boolean DEFAULT false NOT NULL,
	CONSTRAINT "voice_sessions_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
