-- Duplicate detection: pairs people marked "not the same person" stay dismissed.
CREATE TABLE duplicate_dismissals (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    contact_a bigint NOT NULL,
    contact_b bigint NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now(),
    decided_by text NOT NULL DEFAULT sanad_current_actor(),
    CONSTRAINT duplicate_dismissals_ordered CHECK (contact_a < contact_b),
    PRIMARY KEY (association_id, contact_a, contact_b),
    FOREIGN KEY (association_id, contact_a) REFERENCES contacts (association_id, id) ON DELETE CASCADE,
    FOREIGN KEY (association_id, contact_b) REFERENCES contacts (association_id, id) ON DELETE CASCADE
);
SELECT sanad_isolate('duplicate_dismissals');
SELECT sanad_audit('duplicate_dismissals', 'contact_a');

-- The association's own settings (duplicate thresholds and the like), typed and checked
-- by the core as plugin settings are.
ALTER TABLE associations ADD COLUMN settings jsonb NOT NULL DEFAULT '{}';
GRANT UPDATE (settings) ON associations TO sanad_app;
