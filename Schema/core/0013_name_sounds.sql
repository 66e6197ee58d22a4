-- Name keys version 3 (NameKeys.version): a third key, name_sound (NameSounds.key), keeps
-- the vowels as a, i, u beside the consonant classes, so names whose consonant key is one
-- letter (Layla/ليلى "L", Awad/عواد "D", Ayoubi/الأيوبي "B") can still be found across
-- scripts. Computed in Swift; `sanad db migrate` fills it for older contacts (NameKeyBackfill).
ALTER TABLE contacts ADD COLUMN name_sound text NOT NULL DEFAULT '';
CREATE INDEX contacts_name_sound_trgm ON contacts USING gin (association_id, name_sound gin_trgm_ops);
COMMENT ON COLUMN contacts.keys_version IS 'NameKeys.version that computed name_key, name_skeleton and name_sound (3 since migration 0013)';

DROP FUNCTION sanad_name_candidates(text, text, integer);

-- Candidates by the normalized key, the consonant key, or (for names too short for the
-- consonant key) the sound key; SECURITY DEFINER for the reason 0005_search.sql gives.
CREATE FUNCTION sanad_name_candidates(query_key text, query_skeleton text, query_sound text, max_rows integer)
    RETURNS TABLE (contact_id bigint, score double precision, across_scripts boolean)
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
    SET search_path = public, pg_temp
    AS $$
    SELECT c.id,
           greatest(word_similarity(query_key, c.name_key), coalesce(word_similarity(query_skeleton, c.name_skeleton) * 0.95, 0),
                    coalesce(word_similarity(query_sound, c.name_sound) * 0.9, 0)),
           greatest(coalesce(word_similarity(query_skeleton, c.name_skeleton) * 0.95, 0),
                    coalesce(word_similarity(query_sound, c.name_sound) * 0.9, 0)) > word_similarity(query_key, c.name_key)
    FROM contacts c
    WHERE c.association_id = sanad_current_association()
      AND (query_key <% c.name_key OR query_skeleton <% c.name_skeleton OR query_sound <% c.name_sound)
      AND c.deleted_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
    ORDER BY 2 DESC, 1
    LIMIT max_rows
    $$;

REVOKE ALL ON FUNCTION sanad_name_candidates(text, text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sanad_name_candidates(text, text, text, integer) TO sanad_app;
