CREATE TABLE "command_uses" (
	"guild_id" bigint NOT NULL,
	"name" varchar(32) NOT NULL,
	"user_id" bigint NOT NULL,
	"last_used_at" timestamp with time zone NOT NULL,
	CONSTRAINT "command_uses_guild_id_name_user_id_pk" PRIMARY KEY("guild_id","name","user_id")
);
--> statement-breakpoint
CREATE TABLE "custom_commands" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"name" varchar(32) NOT NULL,
	"module" varchar(48) DEFAULT 'general' NOT NULL,
	"document" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "custom_commands" ADD CONSTRAINT "custom_commands_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "custom_commands_guild_name" ON "custom_commands" USING btree ("guild_id","name");