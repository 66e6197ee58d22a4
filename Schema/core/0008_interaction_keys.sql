-- Gift conditions and notes are matched (by the influence audit's classifier) through the
-- same Arabic-aware normalized form as names: computed by SanadCore when interactions are
-- written, stamped with the rules' version like name keys.
ALTER TABLE interactions ADD COLUMN conditions_key text, ADD COLUMN notes_key text, ADD COLUMN keys_version smallint;
