-- Bot plumbing: processed updates, conversation steps, the outbox of messages,
-- and campaign runs. All of it survives a restart, so any replica can serve any update.

CREATE TABLE processed_updates (
    update_id    bigint PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);

-- The step a person is in when their next text message means something
-- (typing tasks, a return reason, a bonus reason, ...).
CREATE TABLE conversations (
    telegram_user_id bigint PRIMARY KEY,
    step             text NOT NULL,
    data             jsonb NOT NULL DEFAULT '{}',
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Outgoing messages, written in the transaction of the change that causes them.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    dedup_key   text UNIQUE,             -- e.g. 'remind-week:17:2026-11-23'; a second insert is a no-op
    chat_id     bigint NOT NULL,
    official_id bigint REFERENCES officials (id),
    payload     jsonb NOT NULL,          -- {"text": ..., "keyboard": [[{"text","data"}]]}
    state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts    integer NOT NULL DEFAULT 0,
    not_before  timestamptz NOT NULL DEFAULT now(),
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    message_id  bigint,
    last_error  text
);

CREATE INDEX outbox_pending ON outbox (not_before, id) WHERE state = 'pending';

-- A campaign fires once per period, across restarts and replicas.
CREATE TABLE campaign_runs (
    campaign text NOT NULL,
    period   text NOT NULL,
    fired_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign, period)
);

CREATE TABLE bot_state (
    key   text PRIMARY KEY,
    value jsonb NOT NULL
);
