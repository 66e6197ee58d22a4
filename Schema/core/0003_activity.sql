-- Campaigns, the calendar of events, and interactions: everything that happens between
-- the association and its contacts.

-- A campaign tackles one problem, in one place, for a set period, with measurable goals.
-- Amount raised and people engaged are measured from interactions; beneficiaries reached
-- is recorded by hand.
CREATE TABLE campaigns (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    slug text NOT NULL CONSTRAINT campaigns_slug_format CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
    title text NOT NULL CONSTRAINT campaigns_title_present CHECK (btrim(title) <> ''),
    problem text,
    place text,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    goal_beneficiaries integer CONSTRAINT campaigns_goal_beneficiaries_positive CHECK (goal_beneficiaries > 0),
    goal_amount numeric(18, 3) CONSTRAINT campaigns_goal_amount_positive CHECK (goal_amount > 0),
    goal_currency text CONSTRAINT campaigns_goal_currency_format CHECK (goal_currency ~ '^[A-Z]{3}$'),
    goal_people_engaged integer CONSTRAINT campaigns_goal_people_positive CHECK (goal_people_engaged > 0),
    beneficiaries_reached integer NOT NULL DEFAULT 0 CONSTRAINT campaigns_beneficiaries_not_negative CHECK (beneficiaries_reached >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT campaigns_period CHECK (ends_on >= starts_on),
    CONSTRAINT campaigns_goal_amount_has_currency CHECK ((goal_amount IS NULL) = (goal_currency IS NULL)),
    PRIMARY KEY (association_id, id),
    CONSTRAINT campaigns_slug_unique UNIQUE (association_id, slug)
);
SELECT sanad_isolate('campaigns');
SELECT sanad_audit('campaigns');
CREATE TRIGGER campaigns_touch BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION sanad_touch_updated_at();

-- The association's calendar.
CREATE TABLE events (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    title text NOT NULL CONSTRAINT events_title_present CHECK (btrim(title) <> ''),
    place text,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz,
    campaign_id bigint,
    capacity integer CONSTRAINT events_capacity_positive CHECK (capacity > 0),
    description text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_period CHECK (ends_at IS NULL OR ends_at >= starts_at),
    PRIMARY KEY (association_id, id),
    FOREIGN KEY (association_id, campaign_id) REFERENCES campaigns (association_id, id)
);
CREATE INDEX events_by_start ON events (association_id, starts_at);
SELECT sanad_isolate('events');
SELECT sanad_audit('events');

-- Typed events on a contact. Money is numeric with its currency; conditions and
-- restrictions on a gift are kept as text for the influence audit.
CREATE TABLE interactions (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    id bigint GENERATED ALWAYS AS IDENTITY,
    contact_id bigint NOT NULL,
    type text NOT NULL CONSTRAINT interactions_type_known CHECK (type IN
        ('donation', 'pledge', 'volunteer_shift', 'event_attendance', 'campaign_action', 'message',
         'meeting', 'call', 'social_engagement', 'note')),
    occurred_at timestamptz NOT NULL,
    channel text,
    campaign_id bigint,
    event_id bigint,
    notes text,
    amount numeric(18, 3),
    currency text CONSTRAINT interactions_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    is_restricted boolean,
    conditions text,
    is_anonymous boolean,
    hours numeric(7, 2),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT sanad_current_actor(),
    CONSTRAINT interactions_money_on_gifts CHECK ((type IN ('donation', 'pledge')) = (amount IS NOT NULL AND currency IS NOT NULL)),
    CONSTRAINT interactions_amount_positive CHECK (amount > 0),
    CONSTRAINT interactions_gift_fields_on_gifts CHECK (
        type IN ('donation', 'pledge') OR (is_restricted IS NULL AND conditions IS NULL AND is_anonymous IS NULL)),
    CONSTRAINT interactions_hours_on_shifts CHECK (hours IS NULL OR (type = 'volunteer_shift' AND hours > 0)),
    PRIMARY KEY (association_id, id),
    FOREIGN KEY (association_id, contact_id) REFERENCES contacts (association_id, id) ON DELETE CASCADE,
    FOREIGN KEY (association_id, campaign_id) REFERENCES campaigns (association_id, id),
    FOREIGN KEY (association_id, event_id) REFERENCES events (association_id, id)
);
CREATE INDEX interactions_by_contact ON interactions (association_id, contact_id, occurred_at);
CREATE INDEX interactions_by_type ON interactions (association_id, type, occurred_at);
CREATE INDEX interactions_by_campaign ON interactions (association_id, campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX interactions_by_event ON interactions (association_id, event_id) WHERE event_id IS NOT NULL;
SELECT sanad_isolate('interactions');
SELECT sanad_audit('interactions');
