CREATE TABLE "job_leases" (
	"job" varchar(48) NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"holder" varchar(128) NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" varchar(12),
	"attempts" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "job_leases_job_scheduled_for_pk" PRIMARY KEY("job","scheduled_for")
);
--> statement-breakpoint
ALTER TABLE "job_runs" ADD COLUMN "last_holder" varchar(128);--> statement-breakpoint
CREATE INDEX "job_leases_unfinished" ON "job_leases" USING btree ("expires_at") WHERE finished_at IS NULL;