-- Search candidates. pg_trgm's operators and LIKE are not LEAKPROOF, so under row-level
-- security PostgreSQL may only apply them after the policy's filter: no index is used and
-- every search reads the whole association. These functions run as the tables' owner
-- (outside row-level security) and apply the isolation rule themselves, explicitly, so the
-- trigram and pattern indexes serve the search. They return ids and scores only; callers
-- read the contacts themselves, under row-level security.

CREATE FUNCTION sanad_name_candidates(query_key text, query_skeleton text, max_rows integer)
    RETURNS TABLE (contact_id bigint, score double precision, across_scripts boolean)
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
    SET search_path = public, pg_temp
    AS $$
    SELECT c.id,
           greatest(word_similarity(query_key, c.name_key), coalesce(word_similarity(query_skeleton, c.name_skeleton) * 0.95, 0)),
           coalesce(word_similarity(query_skeleton, c.name_skeleton) * 0.95, 0) > word_similarity(query_key, c.name_key)
    FROM contacts c
    WHERE c.association_id = sanad_current_association()
      AND (query_key <% c.name_key OR query_skeleton <% c.name_skeleton)
      AND c.deleted_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
    ORDER BY 2 DESC, 1
    LIMIT max_rows
    $$;

CREATE FUNCTION sanad_phone_candidates(query_e164 text, query_suffix text, max_rows integer)
    RETURNS TABLE (contact_id bigint, exact boolean)
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
    SET search_path = public, pg_temp
    AS $$
    SELECT contact_id, bool_or(exact)
    FROM (SELECT p.contact_id, true AS exact FROM contact_phones p
          WHERE p.association_id = sanad_current_association() AND p.e164 = query_e164
          UNION ALL
          SELECT p.contact_id, false FROM contact_phones p
          WHERE p.association_id = sanad_current_association() AND length(query_suffix) >= 6
            -- digits only, so "starts with r" is the range [r, r || ':') in byte order
            AND reverse(p.digits) COLLATE "C" >= reverse(query_suffix)
            AND reverse(p.digits) COLLATE "C" < reverse(query_suffix) || ':') AS found
    GROUP BY contact_id
    ORDER BY bool_or(exact) DESC, contact_id
    LIMIT max_rows
    $$;

REVOKE ALL ON FUNCTION sanad_name_candidates(text, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION sanad_phone_candidates(text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sanad_name_candidates(text, text, integer) TO sanad_app;
GRANT EXECUTE ON FUNCTION sanad_phone_candidates(text, text, integer) TO sanad_app;
