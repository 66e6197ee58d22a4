-- Every email export: who, when, for which list, from which contacts, in which format,
-- how many rows, why others were left out, where it went and the file's SHA-256. An
-- export handed to a contact holding the funder role is flagged: a funder asking for the
-- supporter list is an influence risk.
CREATE TABLE email_exports (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT sanad_current_actor(),
    list text NOT NULL,
    source text NOT NULL,
    format text NOT NULL,
    spreadsheet boolean NOT NULL DEFAULT false,
    rows integer NOT NULL,
    excluded jsonb NOT NULL DEFAULT '{}',
    destination text NOT NULL,
    sha256 text,
    recipient_contact_id bigint,
    recipient_is_funder boolean NOT NULL DEFAULT false,
    PRIMARY KEY (association_id, id),
    FOREIGN KEY (association_id, recipient_contact_id) REFERENCES contacts (association_id, id) ON DELETE SET NULL (recipient_contact_id)
);
SELECT sanad_isolate('email_exports', 'SELECT, INSERT');
