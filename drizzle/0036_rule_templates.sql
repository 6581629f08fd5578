CREATE TABLE "rule_templates" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"key" varchar(64) NOT NULL,
	"document" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rule_templates" ADD CONSTRAINT "rule_templates_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rule_templates_guild_key" ON "rule_templates" USING btree ("guild_id","key");