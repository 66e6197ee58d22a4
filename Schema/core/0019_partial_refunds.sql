-- A donation can be refunded in part. The donation is marked refunded, with the amount given
-- back, and a new row (its remainder) carries what the association keeps, pointing back at
-- it. Every reading (totals, segments, the audit, exports) then counts the remainder and
-- nothing of the refunded row, without a change of its own. Restoring the refund removes
-- the remainder.
ALTER TABLE interactions
    ADD COLUMN refunded_amount numeric(18, 3),
    ADD COLUMN remainder_of bigint,
    ADD CONSTRAINT interactions_partial_refund_on_refunds CHECK (
        refunded_amount IS NULL OR (void_kind = 'refunded' AND refunded_amount > 0 AND refunded_amount < amount)),
    ADD CONSTRAINT interactions_remainder_of_gift FOREIGN KEY (association_id, remainder_of)
        REFERENCES interactions (association_id, id) ON DELETE CASCADE;
CREATE UNIQUE INDEX interactions_one_remainder ON interactions (association_id, remainder_of) WHERE remainder_of IS NOT NULL;
