CREATE TABLE "ticket_events" (
	"guild_id" bigint NOT NULL,
	"number" integer NOT NULL,
	"seq" integer NOT NULL,
	"kind" varchar(24) NOT NULL,
	"actor_id" bigint,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "ticket_events_guild_id_number_seq_pk" PRIMARY KEY("guild_id","number","seq")
);
--> statement-breakpoint
CREATE TABLE "ticket_messages" (
	"guild_id" bigint NOT NULL,
	"number" integer NOT NULL,
	"message_id" bigint NOT NULL,
	"author_id" bigint NOT NULL,
	"content" text DEFAULT '' NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"edited_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "ticket_messages_guild_id_message_id_pk" PRIMARY KEY("guild_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "ticket_panels" (
	"guild_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"message_id" bigint NOT NULL,
	"posted_by" bigint,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_panels_guild_id_message_id_pk" PRIMARY KEY("guild_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"guild_id" bigint NOT NULL,
	"number" integer NOT NULL,
	"category" varchar(48) DEFAULT 'general' NOT NULL,
	"opener_id" bigint NOT NULL,
	"mode" varchar(8) NOT NULL,
	"channel_id" bigint,
	"subject" text NOT NULL,
	"status" varchar(8) DEFAULT 'open' NOT NULL,
	"claimed_by" bigint,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone,
	"first_response_at" timestamp with time zone,
	"first_response_by" bigint,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" bigint,
	"close_reason" text,
	"reopened_count" integer DEFAULT 0 NOT NULL,
	"channel_gone" boolean DEFAULT false NOT NULL,
	"summary" text,
	CONSTRAINT "tickets_guild_id_number_pk" PRIMARY KEY("guild_id","number")
);
--> statement-breakpoint
ALTER TABLE "ticket_panels" ADD CONSTRAINT "ticket_panels_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_messages_ticket" ON "ticket_messages" USING btree ("guild_id","number","sent_at");--> statement-breakpoint
CREATE INDEX "tickets_queue" ON "tickets" USING btree ("guild_id","status","opened_at");--> statement-breakpoint
CREATE INDEX "tickets_opener" ON "tickets" USING btree ("guild_id","opener_id","status");--> statement-breakpoint
CREATE INDEX "tickets_channel" ON "tickets" USING btree ("channel_id");