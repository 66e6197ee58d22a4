-- Bulk loading: interactions imported from files carry a key derived from their row, so
-- importing the same file twice adds nothing the second time.
ALTER TABLE interactions ADD COLUMN import_key text;
CREATE UNIQUE INDEX interactions_import_key ON interactions (association_id, import_key) WHERE import_key IS NOT NULL;
