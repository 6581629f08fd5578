CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"hits" integer NOT NULL,
	"reset_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "api_token_id" integer;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "admin_fingerprint" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_api_token_id_api_tokens_id_fk" FOREIGN KEY ("api_token_id") REFERENCES "public"."api_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_api_token" ON "sessions" USING btree ("api_token_id");--> statement-breakpoint
-- Sessions opened before this migration: link guild-token sessions to their token (principal id
-- "token:<id>"), end those whose token is already revoked, and end operator sessions, which carry
-- no fingerprint of the admin token (the operator logs in again once).
UPDATE "sessions" SET "api_token_id" = substring("subject" from 7)::integer
  WHERE "subject" ~ '^token:[0-9]{1,9}$' AND EXISTS (SELECT 1 FROM "api_tokens" t WHERE t."id" = substring("subject" from 7)::integer);--> statement-breakpoint
DELETE FROM "sessions" WHERE ("subject" LIKE 'token:%' AND "api_token_id" IS NULL) OR "guild_ids" IS NULL;
