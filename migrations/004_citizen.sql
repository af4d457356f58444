-- Citizen ratings of the one-stop shop (bộ phận một cửa): its counters
-- (desks), who serves at each, the opaque codes printed as QR deep links,
-- and the ratings (mức độ hài lòng). A citizen's Telegram id is never stored:
-- only an HMAC-SHA256 of it under a key from configuration.

CREATE TABLE desks (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE,              -- e.g. HCC-Q1, as printed on the counter
    name        text NOT NULL,
    unit_id     bigint NOT NULL REFERENCES units (id),
    official_id bigint REFERENCES officials (id), -- who serves there by default
    active      boolean NOT NULL DEFAULT true,    -- false: takes no ratings
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX desks_unit ON desks (unit_id);

-- A duty change by the head: who serves at a desk on one day when it is not
-- the desk's default.
CREATE TABLE desk_duties (
    desk_id     bigint NOT NULL REFERENCES desks (id),
    day         date NOT NULL,
    official_id bigint NOT NULL REFERENCES officials (id),
    set_by      bigint REFERENCES officials (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (desk_id, day)
);

-- The opaque deep-link payloads ("d" + random). Rotation retires a code
-- (kept, so that a scan of an old sign is refused politely) and issues a new one.
CREATE TABLE desk_codes (
    id         bigserial PRIMARY KEY,
    desk_id    bigint NOT NULL REFERENCES desks (id),
    code       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz
);

CREATE UNIQUE INDEX desk_codes_one_active ON desk_codes (desk_id) WHERE retired_at IS NULL;

-- One rating per citizen per desk per day; a later one replaces the earlier.
CREATE TABLE citizen_ratings (
    id              bigserial PRIMARY KEY,
    desk_id         bigint NOT NULL REFERENCES desks (id),
    official_id     bigint NOT NULL REFERENCES officials (id), -- who served
    citizen         bytea NOT NULL,   -- HMAC-SHA256(key, Telegram user id); never the id itself
    day             date NOT NULL,    -- the day of the visit (Asia/Ho_Chi_Minh)
    level           text NOT NULL CHECK (level IN ('very_satisfied', 'satisfied', 'neutral', 'unsatisfied')),
    comment         text,
    comment_state   text NOT NULL DEFAULT 'asked' CHECK (comment_state IN ('asked', 'given', 'skipped')),
    card_message_id integer,          -- the rating card in the citizen's chat (no chat id is kept)
    flagged         boolean NOT NULL DEFAULT false, -- part of a burst from one account: not counted
    complaint       text CHECK (complaint IN ('pending', 'confirmed', 'dismissed')), -- for 'unsatisfied'
    counted_month   date,             -- a confirmed complaint deducts from this month's grade
    decided_by      bigint REFERENCES officials (id),
    decided_at      timestamptz,
    dismiss_reason  text,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (desk_id, citizen, day)
);

CREATE INDEX citizen_ratings_official ON citizen_ratings (official_id, day);
CREATE INDEX citizen_ratings_desk ON citizen_ratings (desk_id, day);
CREATE INDEX citizen_ratings_citizen ON citizen_ratings (citizen, day);
CREATE INDEX citizen_ratings_confirmed ON citizen_ratings (official_id, counted_month) WHERE complaint = 'confirmed';

-- Every rating action (new or replacing) of one account, for burst detection;
-- rows older than a day are pruned as new ones arrive.
CREATE TABLE citizen_actions (
    citizen bytea NOT NULL,
    at      timestamptz NOT NULL
);

CREATE INDEX citizen_actions_citizen ON citizen_actions (citizen, at);
