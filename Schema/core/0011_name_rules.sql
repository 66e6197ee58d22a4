-- One set of name rules for everything that asks "is this the same person?": duplicate
-- detection scores with them, and an import matches a row to an existing contact by email
-- or phone only when they say the names agree (families share one landline; couples share
-- one email).

CREATE FUNCTION sanad_is_arabic(key text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT $1 ~ '[\u0600-\u06FF]' $$;

-- The given name of a normalized key: its first word, with a compound's first part joined
-- to the next ("عبد الله" and "عبدالله" are one given name, as are "Abd Allah" and "Abdallah").
CREATE FUNCTION sanad_given_name(key text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN split_part($1, ' ', 1) IN ('عبد', 'ابو', 'abd', 'abdel', 'abdul', 'abdal', 'abu', 'abou', 'abo')
                     AND split_part($1, ' ', 2) <> ''
                THEN split_part($1, ' ', 1) || split_part($1, ' ', 2)
                ELSE split_part($1, ' ', 1) END
$$;

-- A consonant key with dh and z folded together: they stand for ذ, ظ and ض in different
-- countries (Dhikra and Zikra, Nadhir and Nazir, Dhaher and Daher).
CREATE FUNCTION sanad_folded_skeleton(skeleton text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT translate($1, 'Z', 'D') $$;

-- An Arabic key without the article at the start of its words: المصري and مصري.
CREATE FUNCTION sanad_without_articles(key text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT regexp_replace($1, '(^| )ال', '\1', 'g') $$;

-- Whether one given name is the other's initial ("N. Jaber" and "Nour Jaber").
CREATE FUNCTION sanad_is_initial_of(given_a text, given_b text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (length(given_a) = 1 AND left(given_b, 1) = given_a) OR (length(given_b) = 1 AND left(given_a, 1) = given_b)
$$;

-- The name after its given name: "jaber" of "nour jaber".
CREATE FUNCTION sanad_family_part(key text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN strpos($1, ' ') > 0 THEN substr($1, strpos($1, ' ') + 1) ELSE '' END
$$;

-- How alike two names are, 0 to 1. Written in Arabic both, their normalized keys decide
-- (with and without the article): the consonant key drops long vowels, and سعيد and سعد
-- are different names. Across scripts, or between Latin transliterations, the consonant
-- keys count too (Mohammed, Muhammad, محمد), spaced or not ("Nasr Allah", "Nasrallah"),
-- dh and z folded. An initial and the same family name count as fairly alike (0.7).
CREATE FUNCTION sanad_name_similarity(key_a text, skeleton_a text, key_b text, skeleton_b text) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT greatest(
        CASE WHEN sanad_is_arabic(key_a) AND sanad_is_arabic(key_b)
             THEN greatest(similarity(key_a, key_b), similarity(replace(key_a, ' ', ''), replace(key_b, ' ', '')),
                           similarity(sanad_without_articles(key_a), sanad_without_articles(key_b)))
             ELSE greatest(similarity(key_a, key_b),
                           CASE WHEN length(skeleton_a) >= 3
                                THEN greatest(similarity(skeleton_a, skeleton_b),
                                              similarity(replace(skeleton_a, ' ', ''), replace(skeleton_b, ' ', '')),
                                              similarity(sanad_folded_skeleton(skeleton_a), sanad_folded_skeleton(skeleton_b)))
                                ELSE 0 END)
        END,
        CASE WHEN sanad_is_initial_of(sanad_given_name(key_a), sanad_given_name(key_b))
                  AND sanad_family_part(key_a) <> '' AND sanad_family_part(key_a) = sanad_family_part(key_b)
             THEN 0.7 ELSE 0 END)::float8
$$;

-- The consonant key of a given name, dh and z folded, compound parts joined.
CREATE FUNCTION sanad_given_consonants(skeleton text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT sanad_folded_skeleton(replace(sanad_given_name($1), ' ', '')) $$;

-- Edit distance as a share of the longer spelling, 0 to 1.
CREATE FUNCTION sanad_spelling_distance(a text, b text) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT levenshtein($1, $2)::float8 / greatest(length($1), length($2), 1) $$;

-- Whether two people's given names are different names, so they are two people however
-- much else they share (twins share a phone, an email and a birth date). Decided only when
-- both names have a given and a family part.
-- - In Arabic both: the normalized given names must be equal (سعيد is not سعد, سامي not سامية).
-- - Across scripts: the consonant keys (dh and z folded), one consonant of slack (جورج, Georges).
-- - In Latin: the consonant keys and the spelling: different keys a quarter apart, or any
--   spelling more than half apart (Samir and Omar; not George and Georges, nor Fatima and Fatmeh).
-- An initial never differs ("N. Jaber").
CREATE FUNCTION sanad_given_names_differ(key_a text, skeleton_a text, key_b text, skeleton_b text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    -- One expression (no CTE), so the planner inlines it into the statement that calls it.
    SELECT split_part(skeleton_a, ' ', 2) <> '' AND split_part(skeleton_b, ' ', 2) <> ''
       AND NOT sanad_is_initial_of(sanad_given_name(key_a), sanad_given_name(key_b))
       AND CASE WHEN sanad_is_arabic(key_a) AND sanad_is_arabic(key_b)
                THEN sanad_given_name(key_a) <> sanad_given_name(key_b)
                WHEN sanad_is_arabic(key_a) <> sanad_is_arabic(key_b)
                THEN sanad_spelling_distance(sanad_given_consonants(skeleton_a), sanad_given_consonants(skeleton_b)) > 0.25
                ELSE (sanad_given_consonants(skeleton_a) <> sanad_given_consonants(skeleton_b)
                      AND sanad_spelling_distance(sanad_given_name(key_a), sanad_given_name(key_b)) > 0.25)
                     OR sanad_spelling_distance(sanad_given_name(key_a), sanad_given_name(key_b)) > 0.5
           END
$$;

-- Whether two names can be one person's: their given names do not differ, and the names
-- are alike or one is the other's given name alone ("Leila" and "Leila Farah").
CREATE FUNCTION sanad_names_agree(key_a text, skeleton_a text, key_b text, skeleton_b text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT NOT sanad_given_names_differ(key_a, skeleton_a, key_b, skeleton_b)
       AND (sanad_name_similarity(key_a, skeleton_a, key_b, skeleton_b) >= 0.5
            OR (sanad_is_arabic(key_a) = sanad_is_arabic(key_b) AND sanad_given_name(key_a) = sanad_given_name(key_b))
            OR (sanad_is_arabic(key_a) <> sanad_is_arabic(key_b)
                AND sanad_folded_skeleton(replace(sanad_given_name(skeleton_a), ' ', ''))
                    = sanad_folded_skeleton(replace(sanad_given_name(skeleton_b), ' ', ''))))
$$;

-- Pairs an import found sharing an email or a phone with names that do not agree: the row
-- became a new contact, and a person should look at the pair.
CREATE TABLE duplicate_suggestions (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    contact_a bigint NOT NULL,
    contact_b bigint NOT NULL,
    reason text NOT NULL,
    suggested_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT duplicate_suggestions_ordered CHECK (contact_a < contact_b),
    PRIMARY KEY (association_id, contact_a, contact_b),
    FOREIGN KEY (association_id, contact_a) REFERENCES contacts (association_id, id) ON DELETE CASCADE,
    FOREIGN KEY (association_id, contact_b) REFERENCES contacts (association_id, id) ON DELETE CASCADE
);
SELECT sanad_isolate('duplicate_suggestions');
