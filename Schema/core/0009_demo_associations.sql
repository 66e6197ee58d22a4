-- Associations that `sanad demo` created, so `sanad demo --reset` removes those and never
-- an association someone made by hand.
ALTER TABLE associations ADD COLUMN is_demo boolean NOT NULL DEFAULT false;
