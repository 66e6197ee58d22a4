-- The example plugin's own table: hours volunteered per contact, filled by its job.
CREATE TABLE volunteer_totals (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    contact_id bigint NOT NULL,
    hours numeric NOT NULL,
    PRIMARY KEY (association_id, contact_id),
    FOREIGN KEY (association_id, contact_id) REFERENCES contacts (association_id, id) ON DELETE CASCADE
);
SELECT sanad_isolate('volunteer_totals');
