-- Custom migration: a change to a guild's custom commands is a configuration change (version bump
-- and NOTIFY cairn_config), so every process reloads it and the bot re-registers the guild's commands.
CREATE TRIGGER custom_commands_config_changed AFTER INSERT OR UPDATE OR DELETE ON custom_commands
  FOR EACH ROW EXECUTE FUNCTION cairn_config_changed();
