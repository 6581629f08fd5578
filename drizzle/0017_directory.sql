CREATE TABLE "guild_channels" (
	"guild_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"name" text NOT NULL,
	"type" smallint NOT NULL,
	"parent_id" bigint,
	"position" integer DEFAULT 0 NOT NULL,
	"deleted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "guild_channels_guild_id_channel_id_pk" PRIMARY KEY("guild_id","channel_id")
);
--> statement-breakpoint
CREATE TABLE "guild_roles" (
	"guild_id" bigint NOT NULL,
	"role_id" bigint NOT NULL,
	"name" text NOT NULL,
	"color" integer DEFAULT 0 NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"managed" boolean DEFAULT false NOT NULL,
	"deleted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "guild_roles_guild_id_role_id_pk" PRIMARY KEY("guild_id","role_id")
);
--> statement-breakpoint
ALTER TABLE "guilds" ADD COLUMN "icon_url" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "username" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "avatar_url" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "public_opt_out" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "members_name" ON "members" USING btree ("guild_id",lower("display_name"));