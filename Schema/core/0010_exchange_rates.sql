-- Dated exchange rates per association: what one unit of a foreign currency is worth in
-- the association's base currency from a day on. A gift is converted at the latest rate on
-- or before its (local) day; a gift with no such rate is left out of totals with a warning.
CREATE TABLE exchange_rates (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    currency text NOT NULL CONSTRAINT exchange_rates_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    valid_on date NOT NULL,
    rate numeric NOT NULL CONSTRAINT exchange_rates_rate_positive CHECK (rate > 0),
    source text NOT NULL DEFAULT 'manual' CONSTRAINT exchange_rates_source_present CHECK (btrim(source) <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (association_id, id),
    CONSTRAINT exchange_rates_one_per_day UNIQUE (association_id, currency, valid_on)
);
SELECT sanad_isolate('exchange_rates');
SELECT sanad_audit('exchange_rates');
