-- Custom migration: the engagement score as each guild configures it (settings.engagement.weights;
-- defaults messages × 1 + reactions × 0.5), one SQL function that the API, the CSV and the BI views
-- share; BI views of scheduled events, their attendance per member, and presence (online time);
-- and the new rollups backfilled from the lake.
CREATE SCHEMA IF NOT EXISTS analytics;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics.engagement_weight(weights jsonb, name text, fallback numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(weights -> name) = 'number'
                   AND (weights ->> name)::numeric BETWEEN 0 AND 1000
                   AND round((weights ->> name)::numeric, 2) = (weights ->> name)::numeric
              THEN (weights ->> name)::numeric ELSE fallback END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics.engagement_score(weights jsonb, messages integer, reactions integer, events_attended integer, voice_seconds bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT trim_scale(round(
      messages * analytics.engagement_weight(weights, 'message', 1)
    + reactions * analytics.engagement_weight(weights, 'reaction', 0.5)
    + events_attended * analytics.engagement_weight(weights, 'event_attended', 0)
    + voice_seconds / 60.0 * analytics.engagement_weight(weights, 'voice_minute', 0), 2))
$$;
--> statement-breakpoint
COMMENT ON FUNCTION analytics.engagement_score(jsonb, integer, integer, integer, bigint) IS 'A week''s engagement score under a guild''s weights (guilds.settings->''engagement''->''weights''; missing or unusable weights take the defaults message 1, reaction 0.5, voice_minute 0, event_attended 0), rounded to 2 decimals.';
--> statement-breakpoint
CREATE OR REPLACE VIEW analytics.member_engagement_weekly AS
SELECT w.guild_id, w.user_id, w.week,
       round(w.voice_seconds / 60.0)::int AS voice_minutes,
       w.messages, w.reactions, w.events_attended, w.activity,
       analytics.engagement_score(g.settings -> 'engagement' -> 'weights', w.messages, w.reactions, w.events_attended, w.voice_seconds) AS score
FROM member_weekly w JOIN guilds g ON g.id = w.guild_id;
--> statement-breakpoint
COMMENT ON COLUMN analytics.member_engagement_weekly.score IS 'The engagement score under the guild''s configured weights (the number the panel, the API and the CSV show)';
--> statement-breakpoint
CREATE VIEW analytics.scheduled_events AS
SELECT e.guild_id, e.scheduled_event_id, e.name, e.description, e.entity_type, e.channel_id, e.location, e.creator_id AS host_id,
       e.scheduled_start, e.scheduled_end, e.status, e.user_count AS interested, e.deleted_at IS NOT NULL AS deleted,
       COALESCE(a.attendees, 0) AS attendees, COALESCE(a.minutes, 0) AS minutes_present,
       CASE WHEN a.attendees > 0 THEN round(a.on_time::numeric / a.attendees, 3) ELSE 0 END AS on_time_rate
FROM scheduled_events e
LEFT JOIN (SELECT guild_id, scheduled_event_id, count(*)::int AS attendees, sum(minutes_present) AS minutes, count(*) FILTER (WHERE on_time)::int AS on_time
           FROM scheduled_event_attendance GROUP BY 1, 2) a ON a.guild_id = e.guild_id AND a.scheduled_event_id = e.scheduled_event_id;
--> statement-breakpoint
COMMENT ON VIEW analytics.scheduled_events IS 'Discord scheduled events with their name, type, host, times, status and interested count, and attendance (members present in the event''s voice or stage channel while it ran).';
--> statement-breakpoint
COMMENT ON COLUMN analytics.scheduled_events.entity_type IS 'stage, voice or external';
--> statement-breakpoint
COMMENT ON COLUMN analytics.scheduled_events.status IS 'scheduled, active, completed or canceled';
--> statement-breakpoint
COMMENT ON COLUMN analytics.scheduled_events.on_time_rate IS 'Share of attendees who joined within 5 minutes of the scheduled start (0 to 1)';
--> statement-breakpoint
DROP VIEW IF EXISTS analytics.event_attendance;
--> statement-breakpoint
CREATE VIEW analytics.event_attendance AS
SELECT guild_id, scheduled_event_id, count(*)::int AS attendees, sum(minutes_present) AS minutes_present,
       round(sum(minutes_present) / count(*), 1) AS average_minutes,
       count(*) FILTER (WHERE on_time)::int AS on_time, round(count(*) FILTER (WHERE on_time)::numeric / count(*), 3) AS on_time_rate,
       min(first_at) AS first_at, max(last_at) AS last_at
FROM scheduled_event_attendance GROUP BY guild_id, scheduled_event_id;
--> statement-breakpoint
COMMENT ON VIEW analytics.event_attendance IS 'Attendance of each Discord scheduled event: members present, minutes present, on-time rate (joined within 5 minutes of the start). Names in analytics.scheduled_events.';
--> statement-breakpoint
COMMENT ON COLUMN analytics.event_attendance.on_time_rate IS 'Share of attendees who joined on time (0 to 1)';
--> statement-breakpoint
CREATE VIEW analytics.event_attendance_members AS
SELECT a.guild_id, a.scheduled_event_id, e.name AS event_name, a.user_id, a.minutes_present, a.sessions, a.on_time, a.first_at, a.last_at
FROM scheduled_event_attendance a
LEFT JOIN scheduled_events e ON e.guild_id = a.guild_id AND e.scheduled_event_id = a.scheduled_event_id;
--> statement-breakpoint
COMMENT ON VIEW analytics.event_attendance_members IS 'Who attended each scheduled event: minutes present in its channel during the event, voice sessions, and whether they joined on time.';
--> statement-breakpoint
CREATE VIEW analytics.presence_hourly AS
SELECT p.guild_id, p.hour,
       extract(dow FROM p.hour AT TIME ZONE g.timezone)::int AS local_weekday,
       extract(hour FROM p.hour AT TIME ZONE g.timezone)::int AS local_hour,
       round(p.seconds / 60.0, 1) AS online_minutes
FROM presence_hourly p JOIN guilds g ON g.id = p.guild_id;
--> statement-breakpoint
COMMENT ON VIEW analytics.presence_hourly IS 'Members'' online time (online, idle or do not disturb; only with the presence intent) per guild and hour.';
--> statement-breakpoint
COMMENT ON COLUMN analytics.presence_hourly.local_weekday IS '0 = Sunday, in the guild''s time zone';
--> statement-breakpoint
CREATE VIEW analytics.member_presence_daily AS
SELECT guild_id, user_id, day, round(seconds / 60.0, 1) AS online_minutes, sessions
FROM presence_daily;
--> statement-breakpoint
COMMENT ON VIEW analytics.member_presence_daily IS 'Online time per member and local day (sessions across midnight split); sessions counted on the day they ended.';
--> statement-breakpoint
INSERT INTO scheduled_event_attendance (guild_id, scheduled_event_id, user_id, minutes_present, sessions, on_time, first_at, last_at)
SELECT guild_id, (data ->> 'scheduled_event_id')::bigint, actor_id,
       round(sum(greatest(0, COALESCE((data ->> 'minutes_present')::numeric, 0))), 1), count(*)::int,
       bool_or(COALESCE((data ->> 'joined_on_time')::boolean, false)), min(occurred_at), max(occurred_at)
FROM lake_events WHERE type = 'scheduled_event_attend' AND actor_id IS NOT NULL AND data ->> 'scheduled_event_id' ~ '^[0-9]{1,19}$'
GROUP BY 1, 2, 3
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO presence_hourly (guild_id, hour, seconds)
WITH presence_backfill AS (
SELECT l.guild_id, l.actor_id AS user_id, g.timezone,
       least(l.occurred_at, COALESCE((l.data ->> 'started_at')::timestamptz, l.occurred_at - make_interval(secs => COALESCE((l.data ->> 'duration_seconds')::numeric, 0)))) AS s,
       l.occurred_at AS e
FROM lake_events l JOIN guilds g ON g.id = l.guild_id
WHERE l.type = 'presence_session_end' AND l.actor_id IS NOT NULL
)
SELECT b.guild_id, h, sum(extract(epoch FROM least(b.e, h + interval '1 hour') - greatest(b.s, h)))::bigint
FROM presence_backfill b,
     generate_series(date_trunc('hour', b.s AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', b.e, interval '1 hour') h
WHERE h < b.e
GROUP BY 1, 2
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO presence_daily (guild_id, user_id, day, seconds, sessions)
WITH presence_backfill AS (
SELECT l.guild_id, l.actor_id AS user_id, g.timezone,
       least(l.occurred_at, COALESCE((l.data ->> 'started_at')::timestamptz, l.occurred_at - make_interval(secs => COALESCE((l.data ->> 'duration_seconds')::numeric, 0)))) AS s,
       l.occurred_at AS e
FROM lake_events l JOIN guilds g ON g.id = l.guild_id
WHERE l.type = 'presence_session_end' AND l.actor_id IS NOT NULL
)
SELECT b.guild_id, b.user_id, d::date,
       sum(greatest(0, extract(epoch FROM least(b.e, (d::date + 1)::timestamp AT TIME ZONE b.timezone) - greatest(b.s, d::date::timestamp AT TIME ZONE b.timezone))))::bigint,
       count(*) FILTER (WHERE d::date = (b.e AT TIME ZONE b.timezone)::date)::int
FROM presence_backfill b,
     generate_series((b.s AT TIME ZONE b.timezone)::date, (b.e AT TIME ZONE b.timezone)::date, interval '1 day') d
GROUP BY 1, 2, 3
ON CONFLICT DO NOTHING;
