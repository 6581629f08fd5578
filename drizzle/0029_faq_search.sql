-- FAQ search: a weighted tsvector (question A, alternatives and tags B, answer C) and lower-cased
-- text for trigram similarity (typos, partial words), both set by a trigger on every write.
-- The `simple` configuration ranked the quality pairs better than `english` once trigrams were
-- added (see test/faq/quality.test.ts); pg_trgm ships with Postgres (contrib) and with PGlite.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION faq_entries_search() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  others text := array_to_string(NEW.alternatives, ' ') || ' ' || array_to_string(NEW.tags, ' ');
BEGIN
  NEW.search := setweight(to_tsvector('simple', NEW.question), 'A')
    || setweight(to_tsvector('simple', others), 'B')
    || setweight(to_tsvector('simple', NEW.answer), 'C');
  NEW.search_text := lower(NEW.question || ' ' || others);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER faq_entries_search BEFORE INSERT OR UPDATE OF question, answer, tags, alternatives ON faq_entries
  FOR EACH ROW EXECUTE FUNCTION faq_entries_search();
--> statement-breakpoint
CREATE INDEX faq_entries_search_trgm ON faq_entries USING gin (search_text gin_trgm_ops);
