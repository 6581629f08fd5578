ALTER TABLE "tickets" ADD COLUMN "summary_status" varchar(8);--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "summary_note" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "summary_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "summary_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "summary_attempts" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_summary_due" ON "tickets" USING btree ("closed_at") WHERE status = 'closed';