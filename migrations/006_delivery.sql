-- Delivery at city scale (docs/decisions/0001-delivery-outbox.md): the outbox's
-- send states and leases, Telegram's limits shared by every replica, and the
-- inbound updates stored before they are acknowledged.

-- Outbox states:
--   pending      waiting to be sent (not before not_before)
--   claimed      leased by a sender (claimed_by), not attempted yet: given back if that sender dies
--   sending      the request to Telegram is being made: never sent again automatically
--   sent         Telegram accepted it (message_id)
--   dead         a permanent failure (400, 403, too many attempts): last_error says why
--   unconfirmed  its sender died during the request: Telegram may or may not have it
ALTER TABLE outbox DROP CONSTRAINT outbox_state_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_state_check
    CHECK (state IN ('pending', 'claimed', 'sending', 'sent', 'dead', 'unconfirmed'));
ALTER TABLE outbox ADD COLUMN claimed_by text;
ALTER TABLE outbox ADD COLUMN dead_at timestamptz;

-- Claiming scans pending rows in id order; per-chat order looks for an
-- earlier open row of the same chat.
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (id) WHERE state = 'pending';
CREATE INDEX outbox_chat_open ON outbox (chat_id, id) WHERE state IN ('pending', 'claimed', 'sending');
CREATE INDEX outbox_claimed ON outbox (claimed_by) WHERE state IN ('claimed', 'sending');
CREATE INDEX outbox_dead ON outbox (dead_at) WHERE state IN ('dead', 'unconfirmed');

-- Senders alive now; a sender whose heartbeat is stale is dead, and its
-- claimed rows go back to pending.
CREATE TABLE delivery_workers (
    id           text PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- The global send budget shared by every replica: send slots are handed out
-- spaced by 1/rate from tat (GCRA's theoretical arrival time).
CREATE TABLE rate_budget (
    name text PRIMARY KEY,
    tat  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO rate_budget (name) VALUES ('global');

-- Per-chat pacing (1/s per private chat, 20/min per group), shared by every replica.
CREATE TABLE chat_pace (
    chat_id bigint PRIMARY KEY,
    tat     timestamptz NOT NULL
);

-- Inbound updates, stored (webhook or long polling) before Telegram is told
-- they arrived, and deleted once handled. processed_updates (003) still makes
-- a repeated update_id a no-op.
CREATE TABLE inbound_updates (
    update_id   bigint PRIMARY KEY,
    chat_id     bigint NOT NULL DEFAULT 0,
    payload     jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- What admins look at: messages that were not delivered, and why.
CREATE VIEW delivery_dead_letters AS
    SELECT id, chat_id, official_id, dedup_key, state, attempts, last_error, created_at, dead_at
    FROM outbox WHERE state IN ('dead', 'unconfirmed');
