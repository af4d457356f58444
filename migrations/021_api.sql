-- The API for task systems (hệ thống quản lý văn bản, giao việc): their keys,
-- the tasks they assign to a person, and the log of every call (issue 23;
-- docs/decisions/0018-task-system-api.md). Integrator: renumber after the
-- migrations merged before it.

-- A key per external system, scoped to a unit subtree. Only the SHA-256 of
-- the secret is kept; prefix is its first characters, shown to tell keys
-- apart. name is the system: a new key with the same name (case aside) is
-- the same system, so a rotated key keeps its source ids.
CREATE TABLE api_keys (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL,
    system      text NOT NULL,                       -- lower(name): the system, for idempotency
    unit_id     bigint NOT NULL REFERENCES units (id),
    prefix      text NOT NULL UNIQUE,
    secret_hash bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

ALTER TABLE task_evidence
    ADD CONSTRAINT task_evidence_api_key FOREIGN KEY (api_key_id) REFERENCES api_keys (id);

-- A task a system assigned to a person (nhiệm vụ được giao). It waits as
-- 'assigned' until the person accepts it into a plan (the task then carries
-- assignment_id) or declines it with a reason. done_on and done_document are
-- the system's report that it was done, applied to the task once accepted.
CREATE TABLE assignments (
    id                bigserial PRIMARY KEY,
    api_key_id        bigint NOT NULL REFERENCES api_keys (id),
    system            text NOT NULL,
    source_id         text NOT NULL,                  -- the system's own id of the task
    fingerprint       bytea NOT NULL,                 -- SHA-256 of what was pushed: a repeat must match
    official_id       bigint NOT NULL REFERENCES officials (id),
    title             text NOT NULL,
    catalogue_item_id bigint REFERENCES catalogue_items (id),
    quantity          integer CHECK (quantity > 0),
    weight            integer NOT NULL CHECK (weight > 0), -- hundredths of a standard unit
    deadline          date,
    source_document   text,                           -- số, ký hiệu of the assigning document
    status            text NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'accepted', 'declined')),
    plan_kind         text CHECK (plan_kind IN ('week', 'month')),
    decline_reason    text,
    decided_at        timestamptz,
    done_on           date,
    done_document     text,
    done_key_id       bigint REFERENCES api_keys (id),
    done_at           timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (system, source_id),
    CHECK ((catalogue_item_id IS NULL) = (quantity IS NULL)),
    CHECK ((status = 'declined') = (decline_reason IS NOT NULL)),
    CHECK ((done_on IS NULL) = (done_at IS NULL))
);

CREATE INDEX assignments_official ON assignments (official_id, status);

-- The task an accepted assignment became; a plan re-typed in the chat keeps it.
ALTER TABLE tasks ADD COLUMN assignment_id bigint UNIQUE REFERENCES assignments (id);

-- Every call of the API: when, which key (NULL: none or unknown), method,
-- path (ids and unit codes only, never a query string or a body), status.
CREATE TABLE api_calls (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    api_key_id bigint REFERENCES api_keys (id),
    method     text NOT NULL,
    path       text NOT NULL,
    status     integer NOT NULL
);

CREATE INDEX api_calls_at ON api_calls USING brin (at);
CREATE INDEX api_calls_key ON api_calls (api_key_id, at);
