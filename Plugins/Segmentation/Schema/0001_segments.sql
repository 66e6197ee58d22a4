-- Segments: saved rules whose members are refreshed (dynamic), or hand-picked (static).
CREATE TABLE segments (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    slug text NOT NULL CONSTRAINT segments_slug_format CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
    kind text NOT NULL CONSTRAINT segments_kind_known CHECK (kind IN ('dynamic', 'static')),
    description text,
    rule_text text,
    rule_json jsonb,
    schedule_id bigint,
    member_count integer NOT NULL DEFAULT 0,
    refreshed_at timestamptz,
    refresh_ms integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT sanad_current_actor(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT segments_dynamic_have_rules CHECK (kind = 'static' OR (rule_text IS NOT NULL AND rule_json IS NOT NULL)),
    PRIMARY KEY (association_id, id),
    CONSTRAINT segments_slug_unique UNIQUE (association_id, slug),
    FOREIGN KEY (association_id, schedule_id) REFERENCES schedules (association_id, id) ON DELETE SET NULL (schedule_id)
);
SELECT sanad_isolate('segments');
SELECT sanad_audit('segments');
CREATE TRIGGER segments_touch BEFORE UPDATE ON segments FOR EACH ROW EXECUTE FUNCTION sanad_touch_updated_at();

CREATE TABLE segment_members (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    segment_id bigint NOT NULL,
    contact_id bigint NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (association_id, segment_id, contact_id),
    FOREIGN KEY (association_id, segment_id) REFERENCES segments (association_id, id) ON DELETE CASCADE,
    FOREIGN KEY (association_id, contact_id) REFERENCES contacts (association_id, id) ON DELETE CASCADE
);
CREATE INDEX segment_members_by_contact ON segment_members (association_id, contact_id);
SELECT sanad_isolate('segment_members');

-- Every refresh: when, how long, how many members, how many joined and left, and why it ran.
CREATE TABLE segment_refreshes (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    id bigint GENERATED ALWAYS AS IDENTITY,
    segment_id bigint NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    duration_ms integer NOT NULL,
    member_count integer NOT NULL,
    joined integer NOT NULL,
    "left" integer NOT NULL,
    trigger text NOT NULL,
    actor text NOT NULL DEFAULT sanad_current_actor(),
    PRIMARY KEY (association_id, id),
    FOREIGN KEY (association_id, segment_id) REFERENCES segments (association_id, id) ON DELETE CASCADE
);
CREATE INDEX segment_refreshes_by_segment ON segment_refreshes (association_id, segment_id, id DESC);
SELECT sanad_isolate('segment_refreshes');

-- Who joined and who left, refresh by refresh.
CREATE TABLE segment_changes (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    refresh_id bigint NOT NULL,
    segment_id bigint NOT NULL,
    contact_id bigint NOT NULL,
    change text NOT NULL CONSTRAINT segment_changes_kind_known CHECK (change IN ('joined', 'left')),
    PRIMARY KEY (association_id, refresh_id, contact_id),
    FOREIGN KEY (association_id, refresh_id) REFERENCES segment_refreshes (association_id, id) ON DELETE CASCADE
);
CREATE INDEX segment_changes_by_contact ON segment_changes (association_id, contact_id);
SELECT sanad_isolate('segment_changes');
