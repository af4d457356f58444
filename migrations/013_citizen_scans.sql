-- Scans of a desk's QR code: a rating is taken only from an account that
-- scanned that desk's current code on the day rated (the card's buttons
-- carry sequential ids, which anyone can forge). The account is its keyed
-- hash, as in citizen_ratings; rows older than a few days are pruned as
-- the same account scans again.
CREATE TABLE citizen_scans (
    citizen    bytea NOT NULL,   -- HMAC-SHA256(key, Telegram user id)
    code_id    bigint NOT NULL REFERENCES desk_codes (id),
    day        date NOT NULL,    -- the day of the scan (Asia/Ho_Chi_Minh)
    scanned_at timestamptz NOT NULL,
    PRIMARY KEY (citizen, code_id, day)
);
