-- Every amount of a run is in the base currency: the rates it used, and the gifts it had to
-- leave out for want of a rate (by currency, with their count and sum), are kept with it.
ALTER TABLE audit_runs ADD COLUMN rates jsonb NOT NULL DEFAULT '[]';
ALTER TABLE audit_runs ADD COLUMN unconverted jsonb NOT NULL DEFAULT '[]';
