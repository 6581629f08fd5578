ALTER TABLE "guild_weekly" ADD COLUMN "activity" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill: each week's activity is the sum of its members' (the Community answers are cached
-- until it changes).
UPDATE guild_weekly g SET activity = s.activity
FROM (SELECT guild_id, week, sum(activity)::int AS activity FROM member_weekly GROUP BY 1, 2) s
WHERE s.guild_id = g.guild_id AND s.week = g.week;
