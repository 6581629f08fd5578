-- Rows queued in the outbox wake the dispatchers of every bot process (LISTEN cairn_outbox), so a
-- side effect queued by an api process goes out at once rather than at the next poll. One
-- notification per statement; Postgres folds identical ones of a transaction into one.
CREATE OR REPLACE FUNCTION cairn_outbox_queued() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('cairn_outbox', '');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER outbox_queued AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION cairn_outbox_queued();
