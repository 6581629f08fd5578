CREATE TABLE "onboarding_members" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"welcome_status" varchar(12),
	"welcomed_at" timestamp with time zone,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"answered_at" timestamp with time zone,
	"last_progress_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"left_at" timestamp with time zone,
	CONSTRAINT "onboarding_members_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "onboarding_steps" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"step" varchar(48) NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"source_id" varchar(200),
	CONSTRAINT "onboarding_steps_guild_id_user_id_step_pk" PRIMARY KEY("guild_id","user_id","step")
);
--> statement-breakpoint
CREATE INDEX "onboarding_members_joined" ON "onboarding_members" USING btree ("guild_id","joined_at");--> statement-breakpoint
CREATE INDEX "onboarding_steps_step" ON "onboarding_steps" USING btree ("guild_id","step");