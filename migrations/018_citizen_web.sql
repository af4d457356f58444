-- Citizens on the web (issue 22): every rating says which face took it and
-- whether a per-visit code verified it; a web rating also keeps a keyed
-- hash of the client's network (IPv4 /24, IPv6 /64), never the address,
-- for the per-desk, per-network burst check.
ALTER TABLE citizen_ratings
    ADD COLUMN channel  text NOT NULL DEFAULT 'telegram' CHECK (channel IN ('telegram', 'web')),
    ADD COLUMN verified boolean NOT NULL DEFAULT false,
    ADD COLUMN network  bytea;

CREATE INDEX citizen_ratings_network ON citizen_ratings (desk_id, network, updated_at) WHERE network IS NOT NULL;

-- Per-visit codes (mã lượt phục vụ): the official on duty shows a one-time
-- QR for the citizen in front of them. Only SHA-256 of the code is kept; a
-- code rates once (used_at, rating_id) within 30 minutes of its creation.
CREATE TABLE visit_codes (
    id          bigserial PRIMARY KEY,
    code_hash   bytea NOT NULL UNIQUE,
    desk_id     bigint NOT NULL REFERENCES desks (id),
    official_id bigint NOT NULL REFERENCES officials (id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    rating_id   bigint REFERENCES citizen_ratings (id)
);

CREATE INDEX visit_codes_official ON visit_codes (official_id, created_at);
