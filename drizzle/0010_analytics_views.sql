-- Custom migration: the analytics schema, for BI tools (Superset, Metabase). Views over Cairn's
-- aggregates, which the engine keeps current in each event's transaction; days are the guild's
-- local days. Read-only: point a BI tool's read-only user at the "analytics" schema.
CREATE SCHEMA IF NOT EXISTS analytics;
--> statement-breakpoint
CREATE OR REPLACE VIEW analytics.growth_daily AS
SELECT guild_id, day,
       COALESCE(sum(count) FILTER (WHERE event_type = 'member_join'), 0)::int AS joins,
       COALESCE(sum(count) FILTER (WHERE event_type = 'member_leave'), 0)::int AS leaves,
       (COALESCE(sum(count) FILTER (WHERE event_type = 'member_join'), 0) - COALESCE(sum(count) FILTER (WHERE event_type = 'member_leave'), 0))::int AS net
FROM event_counters_daily
WHERE side = 'actor' AND event_type IN ('member_join', 'member_leave')
GROUP BY guild_id, day;
--> statement-breakpoint
COMMENT ON VIEW analytics.growth_daily IS 'Members joining and leaving per guild and local day.';
--> statement-breakpoint
COMMENT ON COLUMN analytics.growth_daily.guild_id IS 'Discord guild id';
--> statement-breakpoint
COMMENT ON COLUMN analytics.growth_daily.day IS 'Calendar day in the guild''s time zone';
--> statement-breakpoint
COMMENT ON COLUMN analytics.growth_daily.joins IS 'Members who joined that day';
--> statement-breakpoint
COMMENT ON COLUMN analytics.growth_daily.leaves IS 'Members who left that day';
--> statement-breakpoint
COMMENT ON COLUMN analytics.growth_daily.net IS 'joins - leaves';
--> statement-breakpoint
CREATE OR REPLACE VIEW analytics.member_voice_daily AS
SELECT guild_id, user_id, day,
       round(seconds / 60.0, 1) AS voice_minutes,
       round(afk_seconds / 60.0, 1) AS afk_minutes,
       sessions, afk_sessions
FROM voice_daily;
--> statement-breakpoint
COMMENT ON VIEW analytics.member_voice_daily IS 'Voice time per member and local day; sessions spanning midnight are split between the days; AFK time (AFK channel, excluded channels, muted and deafened all session) is apart.';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_voice_daily.voice_minutes IS 'Minutes in voice outside AFK';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_voice_daily.afk_minutes IS 'Minutes in voice counted as AFK';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_voice_daily.sessions IS 'Non-AFK sessions that ended that day';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_voice_daily.afk_sessions IS 'AFK sessions that ended that day';
--> statement-breakpoint
CREATE OR REPLACE VIEW analytics.member_engagement_weekly AS
WITH counts AS (
  SELECT guild_id, user_id, (day - ((extract(isodow FROM day)::int - 1)))::date AS week,
         sum(count) FILTER (WHERE event_type = 'message_create') AS messages,
         sum(count) FILTER (WHERE event_type = 'reaction_add') AS reactions,
         sum(count) FILTER (WHERE event_type = 'scheduled_event_attend') AS events_attended
  FROM event_counters_daily WHERE side = 'actor' GROUP BY 1, 2, 3
), voice AS (
  SELECT guild_id, user_id, (day - ((extract(isodow FROM day)::int - 1)))::date AS week, sum(seconds) AS seconds
  FROM voice_daily GROUP BY 1, 2, 3
)
SELECT COALESCE(c.guild_id, v.guild_id) AS guild_id, COALESCE(c.user_id, v.user_id) AS user_id, COALESCE(c.week, v.week) AS week,
       round(COALESCE(v.seconds, 0) / 60.0)::int AS voice_minutes,
       COALESCE(c.messages, 0)::int AS messages, COALESCE(c.reactions, 0)::int AS reactions, COALESCE(c.events_attended, 0)::int AS events_attended
FROM counts c FULL JOIN voice v ON v.guild_id = c.guild_id AND v.user_id = c.user_id AND v.week = c.week;
--> statement-breakpoint
COMMENT ON VIEW analytics.member_engagement_weekly IS 'Per member and ISO week (starting Monday, local days): voice minutes, messages, reactions given, scheduled events attended.';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.week IS 'Monday of the week';
--> statement-breakpoint
CREATE OR REPLACE VIEW analytics.member_monthly_status AS
WITH joined AS (
  SELECT guild_id, user_id, date_trunc('month', min(day))::date AS join_month
  FROM event_counters_daily WHERE side = 'actor' AND event_type = 'member_join' GROUP BY 1, 2
)
SELECT a.guild_id, a.user_id, a.month, a.events,
       min(a.month) OVER (PARTITION BY a.guild_id, a.user_id) AS first_active_month,
       COALESCE(j.join_month, date_trunc('month', m.joined_at AT TIME ZONE g.timezone)::date,
                min(a.month) OVER (PARTITION BY a.guild_id, a.user_id)) AS cohort_month
FROM member_activity_monthly a
JOIN guilds g ON g.id = a.guild_id
LEFT JOIN joined j ON j.guild_id = a.guild_id AND j.user_id = a.user_id
LEFT JOIN members m ON m.guild_id = a.guild_id AND m.user_id = a.user_id;
--> statement-breakpoint
COMMENT ON VIEW analytics.member_monthly_status IS 'Months in which each member was active (did anything), with their cohort (join month, else first active month): monthly actives and cohort retention.';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_monthly_status.events IS 'Events the member did that month';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_monthly_status.cohort_month IS 'Month the member first joined (else the join time Discord reported, else first active month)';
--> statement-breakpoint
CREATE OR REPLACE VIEW analytics.event_attendance AS
SELECT guild_id, scheduled_event_id, attendees, minutes_present,
       CASE WHEN attendees > 0 THEN round(minutes_present::numeric / attendees, 1) ELSE 0 END AS average_minutes,
       on_time, CASE WHEN attendees > 0 THEN round(on_time::numeric / attendees, 3) ELSE 0 END AS on_time_rate,
       first_at, last_at
FROM scheduled_event_stats;
--> statement-breakpoint
COMMENT ON VIEW analytics.event_attendance IS 'Attendance of each Discord scheduled event: attendees, minutes present, on-time rate (joined within 5 minutes of the start).';
--> statement-breakpoint
COMMENT ON COLUMN analytics.event_attendance.on_time_rate IS 'Share of attendees who joined on time (0 to 1)';
