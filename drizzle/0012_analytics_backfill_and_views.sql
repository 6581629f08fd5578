-- Custom migration: fill the rollups of 0011 from the aggregates kept so far (the lake's counters,
-- voice_daily, member_activity_monthly), so an existing guild's history appears at once; then point
-- the analytics.* views for BI tools at the rollups and add analytics.cohort_retention.
INSERT INTO activity_daily (guild_id, day, event_type, count)
SELECT guild_id, day, event_type, sum(count)::int FROM event_counters_daily WHERE side = 'actor' GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO voice_guild_daily (guild_id, day, seconds, afk_seconds, sessions, afk_sessions)
SELECT guild_id, day, sum(seconds), sum(afk_seconds), sum(sessions)::int, sum(afk_sessions)::int FROM voice_daily GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO member_weekly (guild_id, week, user_id, messages, reactions, events_attended, voice_seconds, activity)
WITH counts AS (
  SELECT guild_id, (day - (extract(isodow FROM day)::int - 1))::date AS week, user_id,
         COALESCE(sum(count) FILTER (WHERE event_type = 'message_create'), 0) AS messages,
         COALESCE(sum(count) FILTER (WHERE event_type = 'reaction_add'), 0) AS reactions,
         COALESCE(sum(count) FILTER (WHERE event_type = 'scheduled_event_attend'), 0) AS events_attended,
         sum(count) AS activity
  FROM event_counters_daily WHERE side = 'actor' AND event_type NOT IN ('member_join', 'member_leave', 'presence_session_end') GROUP BY 1, 2, 3
), voice AS (
  SELECT guild_id, (day - (extract(isodow FROM day)::int - 1))::date AS week, user_id, sum(seconds) AS seconds
  FROM voice_daily WHERE seconds > 0 GROUP BY 1, 2, 3
)
SELECT COALESCE(c.guild_id, v.guild_id), COALESCE(c.week, v.week), COALESCE(c.user_id, v.user_id),
       COALESCE(c.messages, 0), COALESCE(c.reactions, 0), COALESCE(c.events_attended, 0), COALESCE(v.seconds, 0), COALESCE(c.activity, 0)
FROM counts c FULL JOIN voice v ON v.guild_id = c.guild_id AND v.week = c.week AND v.user_id = c.user_id
ORDER BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO guild_weekly (guild_id, week, active_members, messages, reactions, events_attended, voice_seconds)
SELECT guild_id, week, count(*)::int, sum(messages)::int, sum(reactions)::int, sum(events_attended)::int, sum(voice_seconds) FROM member_weekly GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO member_cohorts (guild_id, user_id, cohort_month)
SELECT guild_id, user_id, min(month) FROM member_activity_monthly GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO cohort_activity (guild_id, cohort_month, month, members)
SELECT a.guild_id, c.cohort_month, a.month, count(*)::int FROM member_activity_monthly a
JOIN member_cohorts c ON c.guild_id = a.guild_id AND c.user_id = a.user_id GROUP BY 1, 2, 3;
--> statement-breakpoint
DROP VIEW IF EXISTS analytics.growth_daily;
--> statement-breakpoint
CREATE VIEW analytics.growth_daily AS
SELECT guild_id, day,
       COALESCE(sum(count) FILTER (WHERE event_type = 'member_join'), 0)::int AS joins,
       COALESCE(sum(count) FILTER (WHERE event_type = 'member_leave'), 0)::int AS leaves,
       (COALESCE(sum(count) FILTER (WHERE event_type = 'member_join'), 0) - COALESCE(sum(count) FILTER (WHERE event_type = 'member_leave'), 0))::int AS net
FROM activity_daily
WHERE event_type IN ('member_join', 'member_leave')
GROUP BY guild_id, day;
--> statement-breakpoint
COMMENT ON VIEW analytics.growth_daily IS 'Members joining and leaving per guild and local day (kept after the lake''s retention deletes the events).';
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
DROP VIEW IF EXISTS analytics.member_engagement_weekly;
--> statement-breakpoint
CREATE VIEW analytics.member_engagement_weekly AS
SELECT guild_id, user_id, week,
       round(voice_seconds / 60.0)::int AS voice_minutes,
       messages, reactions, events_attended, activity
FROM member_weekly;
--> statement-breakpoint
COMMENT ON VIEW analytics.member_engagement_weekly IS 'Per member and ISO week (starting Monday, local days): voice minutes outside AFK, messages, reactions given, scheduled events attended, and all activity (joins and leaves aside).';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.guild_id IS 'Discord guild id';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.user_id IS 'Discord user id';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.week IS 'Monday of the week (local calendar)';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.voice_minutes IS 'Minutes in voice outside AFK; a session across midnight counts in each day''s week';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.messages IS 'Messages sent';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.reactions IS 'Reactions given';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.events_attended IS 'Scheduled events attended';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.activity IS 'Every event the member did (what rising stars and churn risks compare)';
--> statement-breakpoint
DROP VIEW IF EXISTS analytics.member_monthly_status;
--> statement-breakpoint
CREATE VIEW analytics.member_monthly_status AS
SELECT a.guild_id, a.user_id, a.month, a.events, c.cohort_month,
       ((extract(year FROM a.month) - extract(year FROM c.cohort_month)) * 12 + extract(month FROM a.month) - extract(month FROM c.cohort_month))::int AS months_since_cohort
FROM member_activity_monthly a
JOIN member_cohorts c ON c.guild_id = a.guild_id AND c.user_id = a.user_id;
--> statement-breakpoint
COMMENT ON VIEW analytics.member_monthly_status IS 'Months in which each member was active (did anything but leave), with their cohort: monthly actives and cohort retention.';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_monthly_status.month IS 'First day of the local month';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_monthly_status.events IS 'Events the member did that month';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_monthly_status.cohort_month IS 'The member''s cohort: the first local month Cairn saw them join or do anything';
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_monthly_status.months_since_cohort IS '0 for the cohort month, 1 for the month after, ...';
--> statement-breakpoint
CREATE VIEW analytics.cohort_retention AS
SELECT a.guild_id, a.cohort_month, a.month,
       ((extract(year FROM a.month) - extract(year FROM a.cohort_month)) * 12 + extract(month FROM a.month) - extract(month FROM a.cohort_month))::int AS months_since_cohort,
       a.members AS active_members,
       s.members AS cohort_size,
       CASE WHEN s.members > 0 THEN round(a.members::numeric / s.members, 3) ELSE 0 END AS retention_rate
FROM cohort_activity a
LEFT JOIN cohort_activity s ON s.guild_id = a.guild_id AND s.cohort_month = a.cohort_month AND s.month = a.cohort_month
WHERE a.month >= a.cohort_month;
--> statement-breakpoint
COMMENT ON VIEW analytics.cohort_retention IS 'Cohort retention: of the members whose cohort is a month, how many were active in each later month.';
--> statement-breakpoint
COMMENT ON COLUMN analytics.cohort_retention.cohort_month IS 'The cohort: first local month Cairn saw its members';
--> statement-breakpoint
COMMENT ON COLUMN analytics.cohort_retention.month IS 'The month measured';
--> statement-breakpoint
COMMENT ON COLUMN analytics.cohort_retention.active_members IS 'Members of the cohort active that month';
--> statement-breakpoint
COMMENT ON COLUMN analytics.cohort_retention.cohort_size IS 'Members of the cohort (active in their cohort month)';
--> statement-breakpoint
COMMENT ON COLUMN analytics.cohort_retention.retention_rate IS 'active_members / cohort_size (0 to 1)';
