-- A phone's kind comes from the number itself (libphonenumber): landlines are told apart
-- from mobiles. Numbers stored before keep the kind they had (mobile by default).
ALTER TABLE contact_phones DROP CONSTRAINT contact_phones_kind_known;
ALTER TABLE contact_phones ADD CONSTRAINT contact_phones_kind_known CHECK (kind IN ('mobile', 'landline', 'home', 'work', 'other'));
