-- The influence audit's tables are written by the association's auditors and admins
-- (core migration 0014); staff and viewers read them.
SELECT sanad_isolate(target, privileges, '{admin,auditor}')
FROM (VALUES ('audit_decisions'::regclass, 'SELECT, INSERT, UPDATE, DELETE'),
             ('audit_decision_trustees', 'SELECT, INSERT, UPDATE, DELETE'),
             ('audit_election_periods', 'SELECT, INSERT, UPDATE, DELETE'),
             ('audit_approvals', 'SELECT, INSERT, UPDATE, DELETE'),
             ('audit_lexicon', 'SELECT, INSERT, UPDATE, DELETE'),
             ('audit_findings', 'SELECT, INSERT, UPDATE, DELETE'),
             ('audit_runs', 'SELECT, INSERT, UPDATE, DELETE')) AS tables (target, privileges);

-- Conflict of interest: a user linked to a contact (`sanad user link`) cannot review,
-- acknowledge, dismiss or resolve a finding whose funder group holds that contact.
CREATE FUNCTION sanad_review_is_independent() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    linked bigint;
BEGIN
    SELECT l.contact_id INTO linked FROM user_contacts l
    WHERE l.association_id = NEW.association_id AND l.user_name = session_user::text AND l.contact_id = ANY (NEW.group_contacts);
    IF linked IS NOT NULL THEN
        RAISE EXCEPTION 'you are linked to contact %, who is in this finding''s funder group, so you cannot review it', linked
            USING ERRCODE = '42501', CONSTRAINT = 'audit_findings_reviewer_independent',
                  HINT = 'another auditor or admin, not linked to this funder, must review it';
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION sanad_review_is_independent() FROM PUBLIC;
CREATE TRIGGER audit_findings_reviewer_independent BEFORE UPDATE OF status ON audit_findings
    FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION sanad_review_is_independent();

-- A merge or an erasure (staff's and the admin's work) must carry the audit's records
-- along, although staff cannot write the audit's tables: these two functions do exactly
-- that, in the caller's association only, for callers who may merge.
CREATE FUNCTION sanad_audit_contacts_merged(kept bigint, merged bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    association bigint := sanad_member_association('{admin,staff}');
BEGIN
    IF association IS NULL THEN
        RAISE EXCEPTION 'merging contacts needs the staff or admin role in the association' USING ERRCODE = '42501';
    END IF;
    DELETE FROM audit_findings WHERE association_id = association AND merged = ANY (group_contacts);
    UPDATE audit_approvals SET contact_id = kept WHERE association_id = association AND contact_id = merged;
    UPDATE audit_decisions SET beneficiary_contact_id = kept WHERE association_id = association AND beneficiary_contact_id = merged;
    INSERT INTO audit_decision_trustees (association_id, decision_id, trustee_contact_id, stance)
    SELECT association, decision_id, kept, stance FROM audit_decision_trustees
    WHERE association_id = association AND trustee_contact_id = merged
    ON CONFLICT DO NOTHING;
    DELETE FROM audit_decision_trustees WHERE association_id = association AND trustee_contact_id = merged;
END
$$;

CREATE FUNCTION sanad_audit_contact_erased(erased bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    association bigint := sanad_member_association('{admin}');
BEGIN
    IF association IS NULL THEN
        RAISE EXCEPTION 'erasing a person needs the admin role in the association'
            USING ERRCODE = '42501', CONSTRAINT = 'contacts_erasure_by_admin',
                  HINT = 'an admin of the association can erase the person';
    END IF;
    DELETE FROM audit_findings WHERE association_id = association AND erased = ANY (group_contacts);
    DELETE FROM audit_approvals WHERE association_id = association AND contact_id = erased;
END
$$;
-- Callable by anyone: each checks the caller's role itself and says what is missing.
