-- Foundation: extensions, the application role, isolation helpers, associations, audit log.
--
-- Isolation: every business table carries association_id, and row-level security lets the
-- application role (sanad_app) see only rows of the association named by the transaction
-- setting sanad.association. Sanad connects as the owner role and switches to sanad_app
-- (set_config('role', ...)) inside every association transaction.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- Roles belong to the whole cluster: several Sanad databases (or test databases migrating
-- at once) may race to create it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sanad_app') THEN
        BEGIN
            CREATE ROLE sanad_app NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT pg_has_role(current_user, 'sanad_app', 'MEMBER') THEN
        EXECUTE format('GRANT sanad_app TO %I', current_user);
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO sanad_app;

-- The association of the current transaction, or NULL when none is set (then no row matches).
CREATE FUNCTION sanad_current_association() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('sanad.association', true), '')::bigint $$;

-- Who is acting: set per transaction by the command line or the worker.
CREATE FUNCTION sanad_current_actor() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(nullif(current_setting('sanad.actor', true), ''), session_user::text) $$;

CREATE TABLE associations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text NOT NULL UNIQUE
        CONSTRAINT associations_slug_format CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
    name text NOT NULL CONSTRAINT associations_name_present CHECK (btrim(name) <> ''),
    country text NOT NULL CONSTRAINT associations_country_format CHECK (country ~ '^[A-Z]{2}$'),
    phone_region text NOT NULL CONSTRAINT associations_phone_region_format CHECK (phone_region ~ '^[A-Z]{2}$'),
    base_currency text NOT NULL CONSTRAINT associations_currency_format CHECK (base_currency ~ '^[A-Z]{3}$'),
    time_zone text NOT NULL,
    language text NOT NULL CONSTRAINT associations_language_format CHECK (language ~ '^[a-z]{2,3}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A time zone name the server does not know would break every schedule later.
CREATE FUNCTION sanad_check_time_zone() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = NEW.time_zone) THEN
        RAISE EXCEPTION 'unknown time zone' USING ERRCODE = '22023', CONSTRAINT = 'associations_time_zone_known';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER associations_time_zone_known
    BEFORE INSERT OR UPDATE OF time_zone ON associations
    FOR EACH ROW EXECUTE FUNCTION sanad_check_time_zone();

ALTER TABLE associations ENABLE ROW LEVEL SECURITY;
CREATE POLICY association_self ON associations
    USING (id = sanad_current_association())
    WITH CHECK (id = sanad_current_association());
GRANT SELECT, UPDATE (name, country, phone_region, base_currency, time_zone, language) ON associations TO sanad_app;

-- Puts a business table under the isolation rule: row-level security with one policy on
-- association_id, and the privileges the application role needs.
CREATE FUNCTION sanad_isolate(target regclass, privileges text DEFAULT 'SELECT, INSERT, UPDATE, DELETE') RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY association_isolation ON %s
                        USING (association_id = sanad_current_association())
                        WITH CHECK (association_id = sanad_current_association())', target);
    EXECUTE format('GRANT %s ON %s TO sanad_app', privileges, target);
END
$$;

-- The audit log: append-only, one row per change (who, when, what, which record). It keeps
-- the names of changed fields, never their values, so erasing a person erases them here too.
CREATE TABLE audit_log (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor text NOT NULL DEFAULT sanad_current_actor(),
    action text NOT NULL,
    entity text NOT NULL,
    entity_id bigint,
    fields text[],
    details jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (association_id, id)
);
CREATE INDEX audit_log_entity ON audit_log (association_id, entity, entity_id);
SELECT sanad_isolate('audit_log', 'SELECT, INSERT');

CREATE FUNCTION sanad_audit_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    -- Removing a whole association (its owner's decision) is the one way rows leave.
    IF TG_OP = 'DELETE' AND current_setting('sanad.removing_association', true) = OLD.association_id::text THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = '42501';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION sanad_audit_log_is_append_only();

-- Statement-level audit triggers: one INSERT into audit_log per statement, whatever the
-- number of rows, using transition tables. TG_ARGV[0] names the column that identifies the
-- record. Bulk loads that log one summary entry set sanad.bulk = 'on' for their transaction.
CREATE FUNCTION sanad_audit_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    key_column text := coalesce(TG_ARGV[0], 'id');
BEGIN
    IF current_setting('sanad.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_log (association_id, action, entity, entity_id)
        SELECT n.association_id, 'insert', TG_TABLE_NAME, (to_jsonb(n) ->> key_column)::bigint
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO audit_log (association_id, action, entity, entity_id, fields)
        SELECT n.association_id, 'update', TG_TABLE_NAME, (n.doc ->> key_column)::bigint, n.changed
        FROM (
            SELECT new_row.association_id, to_jsonb(new_row) AS doc,
                   ARRAY(SELECT field.key FROM jsonb_each(to_jsonb(new_row)) AS field
                         WHERE field.value IS DISTINCT FROM to_jsonb(old_row) -> field.key
                           AND field.key NOT IN ('updated_at')
                         ORDER BY field.key) AS changed
            FROM new_rows AS new_row
            JOIN old_rows AS old_row ON old_row.association_id = new_row.association_id
                AND to_jsonb(old_row) -> key_column = to_jsonb(new_row) -> key_column
        ) AS n
        WHERE cardinality(n.changed) > 0;
    ELSE
        INSERT INTO audit_log (association_id, action, entity, entity_id)
        SELECT o.association_id, 'delete', TG_TABLE_NAME, (to_jsonb(o) ->> key_column)::bigint
        FROM old_rows o;
    END IF;
    RETURN NULL;
END
$$;

-- Attaches the audit triggers to a table.
CREATE FUNCTION sanad_audit(target regclass, key_column text DEFAULT 'id') RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    base text := replace(target::text, '"', '');
BEGIN
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION sanad_audit_changes(%L)', base || '_audit_insert', target, key_column);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION sanad_audit_changes(%L)', base || '_audit_update', target, key_column);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION sanad_audit_changes(%L)', base || '_audit_delete', target, key_column);
END
$$;

-- Keeps updated_at truthful without every statement remembering to set it.
CREATE FUNCTION sanad_touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
