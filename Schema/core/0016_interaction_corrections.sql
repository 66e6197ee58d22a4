-- Interactions can be corrected: deleted (softly, with a reason) or, for a donation,
-- refunded. Either way the row stays, and a restrictive policy hides it from every reading
-- (totals, segments, the audit, exports) unless a transaction asks to see it with
-- sanad.include_voided = 'on' (`interaction list --all`, restoring). That setting only
-- widens what the association's own members see of its own rows: isolation is unchanged.
ALTER TABLE interactions
    ADD COLUMN voided_at timestamptz,
    ADD COLUMN voided_by text,
    ADD COLUMN void_kind text CONSTRAINT interactions_void_kind_known CHECK (void_kind IN ('deleted', 'refunded')),
    ADD COLUMN void_reason text,
    ADD CONSTRAINT interactions_void_whole CHECK ((voided_at IS NULL) = (void_kind IS NULL) AND (voided_at IS NULL) = (void_reason IS NULL)),
    ADD CONSTRAINT interactions_refunds_are_donations CHECK (void_kind IS DISTINCT FROM 'refunded' OR type = 'donation');

-- sanad_isolate drops every policy of a table: a migration running it on interactions again
-- must create this one again.
CREATE POLICY interactions_hide_voided ON interactions AS RESTRICTIVE FOR SELECT
    USING (voided_at IS NULL OR current_setting('sanad.include_voided', true) = 'on');
