-- Custom migration: a season opening or closing changes what season-scoped milestones mean, so
-- it notifies engines like any configuration change. Guild settings and time zone do too.
CREATE TRIGGER seasons_config_changed AFTER INSERT OR UPDATE OR DELETE ON seasons
  FOR EACH ROW EXECUTE FUNCTION cairn_config_changed();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cairn_guild_settings_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('cairn_config', NEW.id::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER guilds_settings_changed AFTER UPDATE OF settings, timezone ON guilds
  FOR EACH ROW EXECUTE FUNCTION cairn_guild_settings_changed();
