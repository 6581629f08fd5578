CREATE TABLE "faq_entries" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"key" varchar(64) NOT NULL,
	"question" text NOT NULL,
	"answer" text NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"alternatives" text[] DEFAULT '{}'::text[] NOT NULL,
	"author_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"views" integer DEFAULT 0 NOT NULL,
	"helpful" integer DEFAULT 0 NOT NULL,
	"search" "tsvector",
	"search_text" text
);
--> statement-breakpoint
CREATE TABLE "faq_unanswered" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"query" varchar(200) NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"first_asked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_asked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_asked_by" bigint
);
--> statement-breakpoint
CREATE TABLE "faq_votes" (
	"guild_id" bigint NOT NULL,
	"entry_key" varchar(64) NOT NULL,
	"user_id" bigint NOT NULL,
	"voted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "faq_votes_guild_id_entry_key_user_id_pk" PRIMARY KEY("guild_id","entry_key","user_id")
);
--> statement-breakpoint
ALTER TABLE "faq_entries" ADD CONSTRAINT "faq_entries_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faq_unanswered" ADD CONSTRAINT "faq_unanswered_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faq_votes" ADD CONSTRAINT "faq_votes_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "faq_entries_guild_key" ON "faq_entries" USING btree ("guild_id","key");--> statement-breakpoint
CREATE INDEX "faq_entries_search" ON "faq_entries" USING gin ("search");--> statement-breakpoint
CREATE UNIQUE INDEX "faq_unanswered_guild_query" ON "faq_unanswered" USING btree ("guild_id","query");--> statement-breakpoint
CREATE INDEX "faq_unanswered_recent" ON "faq_unanswered" USING btree ("guild_id","last_asked_at");