CREATE TABLE "member_invites" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"via" varchar(16) NOT NULL,
	"invite_code" varchar(32),
	"inviter_id" bigint,
	"joined_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone,
	CONSTRAINT "member_invites_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
--> statement-breakpoint
CREATE INDEX "member_invites_inviter" ON "member_invites" USING btree ("guild_id","inviter_id");