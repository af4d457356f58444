-- The web face (issue 22): one-time sign-in links for staff and their
-- sessions. Only SHA-256 hashes of the link token and of the session id are
-- stored, so a copy of the database opens no session.

CREATE TABLE web_signin_tokens (
    token_hash  bytea PRIMARY KEY,
    official_id bigint NOT NULL REFERENCES officials (id),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,              -- set when the link opened a session; a link works once
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX web_signin_tokens_official ON web_signin_tokens (official_id);

-- A session ends after internal/signin.IdleTimeout without a request, or
-- internal/signin.AbsoluteTimeout after it opened, or at sign-out.
CREATE TABLE web_sessions (
    id_hash      bytea PRIMARY KEY,
    official_id  bigint NOT NULL REFERENCES officials (id),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,    -- created_at + AbsoluteTimeout
    ended_at     timestamptz              -- sign-out
);

CREATE INDEX web_sessions_official ON web_sessions (official_id);

-- The dashboard (internal/dashboard) counts a week's plans for a whole
-- subtree at once: the week's rows without reading every week ever planned.
CREATE INDEX plans_week_start ON plans (period_start) WHERE kind = 'week';
