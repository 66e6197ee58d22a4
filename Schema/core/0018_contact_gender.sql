-- A person's gender, when the association records it, so that Arabic text about them agrees
-- (قدّمت، ومن يرتبط بها). Nothing else reads it; erasure clears it with the other fields.
ALTER TABLE contacts ADD COLUMN gender text CONSTRAINT contacts_gender_known CHECK (gender IN ('female', 'male'));
