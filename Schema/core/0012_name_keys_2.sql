-- Name keys version 2 (NameKeys.version): the article joined to a Latin name (Elhassan,
-- Alkhoury) or assimilated (Ash-Shami) is dropped. The keys
-- are computed in Swift; `sanad db migrate` recomputes every contact whose keys_version is
-- older once this migration is applied (NameKeyBackfill).
COMMENT ON COLUMN contacts.keys_version IS 'NameKeys.version that computed name_key and name_skeleton (2 since migration 0012)';
