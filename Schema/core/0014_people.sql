-- People and permissions: each person is a PostgreSQL LOGIN role, a member of associations
-- with a role in each, and PostgreSQL alone decides what their session may see and do.
--
-- Who: session_user, the role that logged in. It survives SET ROLE and cannot be chosen
-- by the client, so a membership check on it cannot be talked around.
--
-- Two layers, both in PostgreSQL:
-- 1. Privileges (GRANTs) to four group roles, which a user's role is a member of for each
--    role it holds anywhere: sanad_viewer and sanad_auditor read; sanad_staff writes the
--    association's everyday tables; sanad_auditor writes the influence audit's tables;
--    sanad_admin writes everything.
-- 2. Row-level security: a row is admitted only for the association named in the setting
--    sanad.association, and only when session_user is an enabled member of it, with a
--    writing role for writes. So a person who is admin in one association and viewer in
--    another can change nothing in the second, although their role holds sanad_admin's
--    privileges.
--
-- The service role sanad_app (0001) stays: the worker, connected as the owner, switches to
-- it for each job, so jobs run under row-level security too. Only members of sanad_app
-- (the owner) can switch to it.

DO $$
DECLARE
    group_role text;
BEGIN
    FOREACH group_role IN ARRAY ARRAY['sanad_admin', 'sanad_staff', 'sanad_viewer', 'sanad_auditor'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = group_role) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', group_role);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;

-- Nobody but the owner creates anything: PostgreSQL 15 no longer lets PUBLIC create in the
-- public schema, and a database upgraded from an older one may still allow it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO sanad_admin, sanad_staff, sanad_viewer, sanad_auditor;

-- The people of this database. The role of the same name is the login; a row here makes
-- it a Sanad user. Disabled users keep their history but cannot log in (NOLOGIN) and
-- their memberships admit nothing.
CREATE TABLE sanad_users (
    name text PRIMARY KEY
        CONSTRAINT sanad_users_name_format CHECK (name ~ '^[a-z][a-z0-9_.-]{0,62}$' AND name !~ '^(pg_|sanad_)'),
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT session_user
);

CREATE TABLE association_members (
    association_id bigint NOT NULL REFERENCES associations (id),
    user_name text NOT NULL REFERENCES sanad_users (name) ON DELETE CASCADE,
    role text NOT NULL CONSTRAINT association_members_role_known CHECK (role IN ('admin', 'staff', 'viewer', 'auditor')),
    granted_at timestamptz NOT NULL DEFAULT now(),
    granted_by text NOT NULL DEFAULT session_user,
    PRIMARY KEY (association_id, user_name, role)
);
CREATE INDEX association_members_by_user ON association_members (user_name, association_id);

-- A user who is also a contact of the association (a trustee, a staff member who gives):
-- the influence audit keeps them from reviewing findings about their own funder group.
CREATE TABLE user_contacts (
    association_id bigint NOT NULL REFERENCES associations (id),
    user_name text NOT NULL REFERENCES sanad_users (name) ON DELETE CASCADE,
    contact_id bigint NOT NULL,
    linked_at timestamptz NOT NULL DEFAULT now(),
    linked_by text NOT NULL DEFAULT session_user,
    PRIMARY KEY (association_id, user_name),
    FOREIGN KEY (association_id, contact_id) REFERENCES contacts (association_id, id) ON DELETE CASCADE
);

-- The association of the current transaction when session_user may work in it (with one
-- of `writers`' roles, when given), else NULL: then no row matches any policy. The service
-- role's members (the owner, the worker) may work in any association. SECURITY DEFINER so
-- that it reads memberships no user can read whole; it reveals only the caller's own.
CREATE FUNCTION sanad_member_association(writers text[] DEFAULT NULL) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path = public, pg_temp
    AS $$
    SELECT chosen.id
    FROM (SELECT sanad_current_association() AS id) AS chosen
    WHERE chosen.id IS NOT NULL
      AND (pg_has_role(session_user, 'sanad_app', 'MEMBER')
           OR EXISTS (SELECT 1 FROM association_members m JOIN sanad_users u ON u.name = m.user_name
                      WHERE m.association_id = chosen.id AND m.user_name = session_user::text AND NOT u.disabled
                        AND (writers IS NULL OR m.role = ANY (writers))))
    $$;

-- The associations session_user belongs to: what `association list` shows and `-a SLUG`
-- can choose among. (The service role works in one association at a time, the setting's.)
CREATE FUNCTION sanad_my_associations() RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    SELECT m.association_id FROM association_members m JOIN sanad_users u ON u.name = m.user_name
    WHERE m.user_name = session_user::text AND NOT u.disabled
    $$;

-- The roles session_user holds in the current association (for messages and `whoami`;
-- the policies decide on their own).
CREATE FUNCTION sanad_my_roles() RETURNS text[]
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    SELECT coalesce(array_agg(m.role ORDER BY m.role), '{}') FROM association_members m JOIN sanad_users u ON u.name = m.user_name
    WHERE m.association_id = sanad_current_association() AND m.user_name = session_user::text AND NOT u.disabled
    $$;

-- Every login may ask about itself (a user not yet in any association holds no group
-- role): the answers are its own memberships, or nothing.
GRANT EXECUTE ON FUNCTION sanad_member_association(text[]), sanad_my_associations(), sanad_my_roles() TO PUBLIC;

-- Who acted is the login, never a text the client sends: the columns that record it now
-- default to session_user. SANAD_ACTOR's free text is kept in the audit log as "on behalf
-- of" (below), beside the real user.
CREATE OR REPLACE FUNCTION sanad_current_actor() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT session_user::text $$;

-- Puts a business table under the isolation rule: reads for every member of the
-- association, writes (`privileges`) for members holding one of `writers`' roles, and the
-- same privileges granted to those roles' group roles. Safe to run again on a table.
DROP FUNCTION sanad_isolate(regclass, text);
CREATE FUNCTION sanad_isolate(target regclass, privileges text DEFAULT 'SELECT, INSERT, UPDATE, DELETE',
                              writers text[] DEFAULT '{admin,staff}') RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    existing record;
    writer text;
    writable text := format('association_id = (SELECT sanad_member_association(%L::text[]))', writers);
BEGIN
    IF NOT writers <@ ARRAY['admin', 'staff', 'viewer', 'auditor'] THEN
        RAISE EXCEPTION 'unknown role among %', writers;
    END IF;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
    FOR existing IN SELECT polname FROM pg_policy WHERE polrelid = target LOOP
        EXECUTE format('DROP POLICY %I ON %s', existing.polname, target);
    END LOOP;
    EXECUTE format('CREATE POLICY association_read ON %s FOR SELECT USING (association_id = (SELECT sanad_member_association()))', target);
    IF privileges ~* 'insert' THEN
        EXECUTE format('CREATE POLICY association_insert ON %s FOR INSERT WITH CHECK (%s)', target, writable);
    END IF;
    IF privileges ~* 'update' THEN
        EXECUTE format('CREATE POLICY association_update ON %s FOR UPDATE USING (%s) WITH CHECK (%s)', target, writable, writable);
    END IF;
    IF privileges ~* 'delete' THEN
        EXECUTE format('CREATE POLICY association_delete ON %s FOR DELETE USING (%s)', target, writable);
    END IF;
    EXECUTE format('REVOKE ALL ON %s FROM sanad_admin, sanad_staff, sanad_viewer, sanad_auditor', target);
    EXECUTE format('GRANT SELECT ON %s TO sanad_admin, sanad_staff, sanad_viewer, sanad_auditor', target);
    EXECUTE format('GRANT %s ON %s TO sanad_app', privileges, target);
    FOREACH writer IN ARRAY writers LOOP
        EXECUTE format('GRANT %s ON %s TO %I', privileges, target, 'sanad_' || writer);
    END LOOP;
END
$$;

-- Every table isolated so far, again under the new rule. The everyday tables are staff's;
-- the job queue also takes an auditor's audit run; plugin switches are the admin's.
DO $$
DECLARE
    isolated record;
    privileges text;
BEGIN
    FOR isolated IN
        SELECT DISTINCT c.oid::regclass AS target, c.relname::text AS name FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        WHERE p.polname = 'association_isolation' ORDER BY 2
    LOOP
        privileges := concat_ws(', ', 'SELECT',
            CASE WHEN has_table_privilege('sanad_app', isolated.target, 'INSERT') THEN 'INSERT' END,
            CASE WHEN has_table_privilege('sanad_app', isolated.target, 'UPDATE') THEN 'UPDATE' END,
            CASE WHEN has_table_privilege('sanad_app', isolated.target, 'DELETE') THEN 'DELETE' END);
        PERFORM sanad_isolate(isolated.target, privileges, CASE
            WHEN isolated.name IN ('jobs', 'job_runs', 'audit_log') THEN '{admin,staff,auditor}'::text[]
            WHEN isolated.name = 'association_plugins' THEN '{admin}'::text[]
            ELSE '{admin,staff}'::text[] END);
    END LOOP;
END
$$;

ALTER TABLE user_contacts ENABLE ROW LEVEL SECURITY;
-- A user sees their own links, and an association's admin sees its users' links.
CREATE POLICY user_contacts_read ON user_contacts FOR SELECT
    USING (user_name = session_user::text OR association_id = (SELECT sanad_member_association('{admin}')));
GRANT SELECT ON user_contacts TO PUBLIC;
ALTER TABLE association_members ENABLE ROW LEVEL SECURITY;
-- A member sees their own memberships everywhere, and an association's admin sees its members.
CREATE POLICY association_members_read ON association_members FOR SELECT
    USING (user_name = session_user::text OR association_id = (SELECT sanad_member_association('{admin}')));
GRANT SELECT ON association_members TO PUBLIC;
ALTER TABLE sanad_users ENABLE ROW LEVEL SECURITY;
CREATE POLICY sanad_users_self ON sanad_users FOR SELECT USING (name = session_user::text);
GRANT SELECT ON sanad_users TO PUBLIC;

-- Associations: members see theirs; only an admin changes one.
DROP POLICY association_self ON associations;
CREATE POLICY association_read ON associations FOR SELECT
    USING (id = (SELECT sanad_member_association()) OR id IN (SELECT sanad_my_associations()));
CREATE POLICY association_update ON associations FOR UPDATE
    USING (id = (SELECT sanad_member_association('{admin}'))) WITH CHECK (id = (SELECT sanad_member_association('{admin}')));
GRANT SELECT ON associations TO PUBLIC;
GRANT UPDATE (name, country, phone_region, base_currency, time_zone, language, settings) ON associations TO sanad_admin;

GRANT SELECT ON current_consents TO sanad_admin, sanad_staff, sanad_viewer, sanad_auditor;
-- Which migrations are applied is no secret, and every command checks it first.
GRANT SELECT ON schema_migrations TO PUBLIC;
GRANT USAGE ON SEQUENCE contacts_id_seq TO sanad_admin, sanad_staff;

-- The audit log names the login that acted, whatever the statement says; a free-text
-- actor (SANAD_ACTOR, the worker's slot) is kept beside it as "on behalf of".
ALTER TABLE audit_log ADD COLUMN on_behalf_of text;
ALTER TABLE audit_log ALTER COLUMN actor SET DEFAULT session_user;
CREATE FUNCTION sanad_audit_log_identity() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.on_behalf_of := nullif(coalesce(NEW.on_behalf_of, nullif(current_setting('sanad.actor', true), '')), session_user::text);
    NEW.actor := session_user;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_identity BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION sanad_audit_log_identity();

-- Erasing a person is the admin's decision (an erasure cannot be undone).
CREATE FUNCTION sanad_erasure_needs_admin() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF sanad_member_association('{admin}') IS DISTINCT FROM NEW.association_id THEN
        RAISE EXCEPTION 'erasing a person needs the admin role in the association'
            USING ERRCODE = '42501', CONSTRAINT = 'contacts_erasure_by_admin',
                  HINT = 'an admin of the association can erase the person';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER contacts_erasure_by_admin BEFORE UPDATE OF erased_at ON contacts
    FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
    EXECUTE FUNCTION sanad_erasure_needs_admin();

-- The search functions read outside row-level security (0005), so they apply the
-- membership rule themselves.
CREATE OR REPLACE FUNCTION sanad_name_candidates(query_key text, query_skeleton text, query_sound text, max_rows integer)
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
    WHERE c.association_id = (SELECT sanad_member_association())
      AND (query_key <% c.name_key OR query_skeleton <% c.name_skeleton OR query_sound <% c.name_sound)
      AND c.deleted_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
    ORDER BY 2 DESC, 1
    LIMIT max_rows
    $$;

CREATE OR REPLACE FUNCTION sanad_phone_candidates(query_e164 text, query_suffix text, max_rows integer)
    RETURNS TABLE (contact_id bigint, exact boolean)
    LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
    SET search_path = public, pg_temp
    AS $$
    SELECT contact_id, bool_or(exact)
    FROM (SELECT p.contact_id, true AS exact FROM contact_phones p
          WHERE p.association_id = (SELECT sanad_member_association()) AND p.e164 = query_e164
          UNION ALL
          SELECT p.contact_id, false FROM contact_phones p
          WHERE p.association_id = (SELECT sanad_member_association()) AND length(query_suffix) >= 6
            AND reverse(p.digits) COLLATE "C" >= reverse(query_suffix)
            AND reverse(p.digits) COLLATE "C" < reverse(query_suffix) || ':') AS found
    GROUP BY contact_id
    ORDER BY bool_or(exact) DESC, contact_id
    LIMIT max_rows
    $$;

GRANT EXECUTE ON FUNCTION sanad_name_candidates(text, text, text, integer), sanad_phone_candidates(text, text, integer)
    TO sanad_admin, sanad_staff, sanad_viewer, sanad_auditor;

-- After a bulk load, the planner's statistics and the trigram indexes' pending entries
-- are refreshed: table maintenance only the owner may do, offered to the association's
-- writers for the loaded tables only. It reads and returns no rows.
CREATE FUNCTION sanad_maintain_after_load(tables text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    loaded text;
BEGIN
    IF sanad_member_association('{admin,staff}') IS NULL THEN
        RAISE EXCEPTION 'table maintenance needs a writing role in the association' USING ERRCODE = '42501';
    END IF;
    FOREACH loaded IN ARRAY tables LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'association_id'
                       WHERE c.relname = loaded AND c.relnamespace = 'public'::regnamespace AND c.relkind = 'r') THEN
            RAISE EXCEPTION 'not a business table: %', loaded USING ERRCODE = '42501';
        END IF;
        EXECUTE format('ANALYZE %I', loaded);
    END LOOP;
    IF 'contacts' = ANY (tables) THEN
        PERFORM gin_clean_pending_list(indexrelid::regclass) FROM pg_index
        WHERE indrelid = 'contacts'::regclass AND indexrelid::regclass::text LIKE '%trgm';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION sanad_maintain_after_load(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sanad_maintain_after_load(text[]) TO sanad_app, sanad_admin, sanad_staff;
