-- Every merge keeps what it replaced: both contacts and every row of theirs a merge moves,
-- rewrites or drops, as they stood just before (snapshot), so `contact unmerge` can put
-- both records back. The snapshot holds personal data: erasing either contact deletes it.
CREATE TABLE contact_merges (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    kept_id bigint NOT NULL,
    merged_id bigint NOT NULL,
    merged_at timestamptz NOT NULL DEFAULT now(),
    merged_by text NOT NULL DEFAULT sanad_current_actor(),
    snapshot jsonb NOT NULL,
    unmerged_at timestamptz,
    unmerged_by text,
    PRIMARY KEY (association_id, id),
    FOREIGN KEY (association_id, kept_id) REFERENCES contacts (association_id, id),
    FOREIGN KEY (association_id, merged_id) REFERENCES contacts (association_id, id)
);
CREATE INDEX contact_merges_by_merged ON contact_merges (association_id, merged_id, id DESC);
CREATE INDEX contact_merges_by_kept ON contact_merges (association_id, kept_id, id DESC);
SELECT sanad_isolate('contact_merges');
SELECT sanad_audit('contact_merges');
