DROP INDEX "lake_events_actor";--> statement-breakpoint
DROP INDEX "lake_events_time";--> statement-breakpoint
CREATE INDEX "lake_events_time" ON "lake_events" USING brin ("occurred_at");