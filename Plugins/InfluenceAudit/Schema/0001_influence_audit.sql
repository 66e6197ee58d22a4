-- The influence-risk audit: the association's decisions and election periods, approvals of
-- gifts from politically exposed people, its own additions to the keyword lexicons, and
-- the findings each run stores (updated in place when a run sees them again).

CREATE TABLE audit_decisions (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    decided_on date NOT NULL,
    subject text NOT NULL CONSTRAINT audit_decisions_subject_present CHECK (btrim(subject) <> ''),
    beneficiary_contact_id bigint,
    amount numeric(18, 3),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT sanad_current_actor(),
    PRIMARY KEY (association_id, id),
    FOREIGN KEY (association_id, beneficiary_contact_id) REFERENCES contacts (association_id, id)
);
SELECT sanad_isolate('audit_decisions');
SELECT sanad_audit('audit_decisions');

-- Trustees who declared an interest in a decision, or recused themselves from it.
CREATE TABLE audit_decision_trustees (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    decision_id bigint NOT NULL,
    trustee_contact_id bigint NOT NULL,
    stance text NOT NULL CONSTRAINT audit_decision_trustees_stance_known CHECK (stance IN ('declared', 'recused')),
    PRIMARY KEY (association_id, decision_id, trustee_contact_id),
    FOREIGN KEY (association_id, decision_id) REFERENCES audit_decisions (association_id, id) ON DELETE CASCADE,
    FOREIGN KEY (association_id, trustee_contact_id) REFERENCES contacts (association_id, id)
);
SELECT sanad_isolate('audit_decision_trustees');
SELECT sanad_audit('audit_decision_trustees', 'decision_id');

CREATE TABLE audit_election_periods (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    name text NOT NULL,
    announced_on date NOT NULL,
    polling_day date NOT NULL,
    region text,
    CONSTRAINT audit_election_periods_order CHECK (polling_day >= announced_on),
    PRIMARY KEY (association_id, id)
);
SELECT sanad_isolate('audit_election_periods');
SELECT sanad_audit('audit_election_periods');

-- A recorded approval of gifts from a politically exposed person (or a relative or close
-- associate of one), as the FATF recommendation asks.
CREATE TABLE audit_approvals (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    id bigint GENERATED ALWAYS AS IDENTITY,
    contact_id bigint NOT NULL,
    approved_on date NOT NULL DEFAULT current_date,
    approved_by text NOT NULL DEFAULT sanad_current_actor(),
    note text NOT NULL,
    PRIMARY KEY (association_id, id),
    FOREIGN KEY (association_id, contact_id) REFERENCES contacts (association_id, id) ON DELETE CASCADE
);
SELECT sanad_isolate('audit_approvals');
SELECT sanad_audit('audit_approvals');

-- Phrases the association adds to the built-in lexicons of gift conditions.
CREATE TABLE audit_lexicon (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    category text NOT NULL CONSTRAINT audit_lexicon_category_known CHECK (category IN
        ('purpose', 'governance', 'messaging', 'mobilization', 'private_benefit', 'pass_through', 'political')),
    phrase text NOT NULL,
    phrase_key text NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    added_by text NOT NULL DEFAULT sanad_current_actor(),
    PRIMARY KEY (association_id, category, phrase_key)
);
SELECT sanad_isolate('audit_lexicon');
SELECT sanad_audit('audit_lexicon', 'association_id');

CREATE TABLE audit_findings (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    fingerprint text NOT NULL,
    rule text NOT NULL,
    severity text NOT NULL CONSTRAINT audit_findings_severity_known CHECK (severity IN ('notice', 'warn', 'high')),
    group_key bigint,
    group_name text,
    group_contacts bigint[] NOT NULL DEFAULT '{}',
    score numeric NOT NULL DEFAULT 0,
    summary text NOT NULL,
    evidence jsonb NOT NULL DEFAULT '{}',
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    present boolean NOT NULL DEFAULT true,
    status text NOT NULL DEFAULT 'open' CONSTRAINT audit_findings_status_known CHECK (status IN ('open', 'acknowledged', 'dismissed', 'resolved')),
    status_reason text,
    status_at timestamptz,
    status_by text,
    PRIMARY KEY (association_id, id),
    CONSTRAINT audit_findings_once UNIQUE (association_id, fingerprint)
);
CREATE INDEX audit_findings_by_status ON audit_findings (association_id, status, severity);
SELECT sanad_isolate('audit_findings');

CREATE TABLE audit_runs (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    started_at timestamptz NOT NULL DEFAULT now(),
    duration_ms integer NOT NULL,
    income numeric NOT NULL,
    currency text NOT NULL,
    funder_groups integer NOT NULL,
    window_months integer NOT NULL,
    hhi numeric,
    gini numeric,
    -- What the report's chart shows: the largest groups and the Lorenz curve (at most 101
    -- points), kept with the run so a report always matches the findings it lists.
    top_groups jsonb NOT NULL DEFAULT '[]',
    lorenz jsonb NOT NULL DEFAULT '[]',
    findings integer NOT NULL,
    new_findings integer NOT NULL,
    PRIMARY KEY (association_id, id)
);
SELECT sanad_isolate('audit_runs');
