-- Custom migration (drizzle-kit does not generate triggers).

-- The ledger is append-only: a transaction, once written, is never changed or removed.
CREATE OR REPLACE FUNCTION cairn_transactions_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'transactions are append-only (% refused)', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER transactions_append_only
  BEFORE UPDATE OR DELETE ON transactions
  FOR EACH ROW EXECUTE FUNCTION cairn_transactions_append_only();
--> statement-breakpoint

-- Configuration changes (from any process, even psql) bump the guild's config version and
-- notify listeners on commit, so every running engine reloads that guild's configuration.
CREATE OR REPLACE FUNCTION cairn_config_changed() RETURNS trigger AS $$
DECLARE
  gid bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN gid := OLD.guild_id; ELSE gid := NEW.guild_id; END IF;
  UPDATE guilds SET config_version = config_version + 1 WHERE id = gid;
  PERFORM pg_notify('cairn_config', gid::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER rules_config_changed AFTER INSERT OR UPDATE OR DELETE ON rules
  FOR EACH ROW EXECUTE FUNCTION cairn_config_changed();
--> statement-breakpoint
CREATE TRIGGER zones_config_changed AFTER INSERT OR UPDATE OR DELETE ON zones
  FOR EACH ROW EXECUTE FUNCTION cairn_config_changed();
--> statement-breakpoint
CREATE TRIGGER currencies_config_changed AFTER INSERT OR UPDATE OR DELETE ON currencies
  FOR EACH ROW EXECUTE FUNCTION cairn_config_changed();
--> statement-breakpoint
CREATE TRIGGER milestones_config_changed AFTER INSERT OR UPDATE OR DELETE ON milestones
  FOR EACH ROW EXECUTE FUNCTION cairn_config_changed();
--> statement-breakpoint
-- Stock changes on purchase are not configuration changes.
CREATE TRIGGER shop_items_config_changed AFTER INSERT OR DELETE OR UPDATE OF key, enabled, document ON shop_items
  FOR EACH ROW EXECUTE FUNCTION cairn_config_changed();
