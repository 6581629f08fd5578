CREATE TABLE "config_versions" (
	"guild_id" bigint NOT NULL,
	"kind" varchar(24) NOT NULL,
	"key" text NOT NULL,
	"version" integer NOT NULL,
	"action" varchar(16) NOT NULL,
	"document" jsonb,
	"actor" text NOT NULL,
	"audit_id" bigint,
	"restored_from" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "config_versions_guild_id_kind_key_version_pk" PRIMARY KEY("guild_id","kind","key","version")
);
--> statement-breakpoint
ALTER TABLE "config_versions" ADD CONSTRAINT "config_versions_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "config_versions_audit" ON "config_versions" USING btree ("audit_id");