-- The roster: the unit tree (đơn vị) and the officials (cán bộ, công chức, viên chức,
-- lao động hợp đồng) in it, with their Telegram binding.

CREATE TABLE units (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL UNIQUE,
    name         text NOT NULL,
    parent_id    bigint REFERENCES units (id),
    exceptional  boolean NOT NULL DEFAULT false, -- may use the higher grade-A quota
    framework_id text NOT NULL DEFAULT 'hanoi-3814-2018',
    group_chat_id bigint,                         -- the unit's Telegram group, for publication
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE officials (
    id               bigserial PRIMARY KEY,
    employee_code    text NOT NULL UNIQUE,
    full_name        text NOT NULL,
    unit_id          bigint NOT NULL REFERENCES units (id),
    category         text NOT NULL CHECK (category IN ('can_bo', 'cong_chuc', 'vien_chuc', 'hop_dong')),
    position         text NOT NULL DEFAULT '',
    is_head          boolean NOT NULL DEFAULT false,
    phone            text,                         -- E.164, e.g. +84912000101
    language         text NOT NULL DEFAULT 'vi' CHECK (language IN ('vi', 'en')),
    language_chosen  boolean NOT NULL DEFAULT false, -- set by /language; wins over Telegram's language_code
    active           boolean NOT NULL DEFAULT true,  -- false once the person left the roster
    telegram_user_id bigint UNIQUE,
    chat_id          bigint,
    reachable        boolean NOT NULL DEFAULT true,  -- false after a 403 from Telegram
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX officials_one_head_per_unit ON officials (unit_id) WHERE is_head AND active;
CREATE INDEX officials_unit ON officials (unit_id) WHERE active;
CREATE INDEX officials_phone ON officials (phone) WHERE active;

-- One-time deep-link invites; only a SHA-256 of the token is stored.
CREATE TABLE invites (
    token_hash  bytea PRIMARY KEY,
    official_id bigint NOT NULL REFERENCES officials (id),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX invites_official ON invites (official_id);

-- Leave, sickness, maternity: no prompts and no grade for a month mostly away.
CREATE TABLE absences (
    id          bigserial PRIMARY KEY,
    official_id bigint NOT NULL REFERENCES officials (id),
    first_day   date NOT NULL,
    last_day    date NOT NULL CHECK (last_day >= first_day),
    kind        text NOT NULL CHECK (kind IN ('leave', 'sick', 'maternity', 'other')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX absences_official ON absences (official_id, first_day);

-- Who did what to a score, a status or a grade: who, when, before, after, why.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES officials (id), -- NULL for the system or a CLI
    subject_id  bigint REFERENCES officials (id), -- whose record changed
    entity      text NOT NULL,                    -- 'plan', 'task', 'assessment', 'official', 'import', ...
    entity_id   bigint,
    action      text NOT NULL,
    before      jsonb,
    after       jsonb,
    reason      text
);

CREATE INDEX audit_log_subject ON audit_log (subject_id, at);
