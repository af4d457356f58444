-- Running it for real: organization-department admins, delegation of reviews,
-- publication (công khai) and the lock that follows, reconsideration requests.

-- An admin of the organization department (ban tổ chức) sees and acts on
-- every unit in the subtree of unit_id.
CREATE TABLE admins (
    official_id bigint NOT NULL REFERENCES officials (id),
    unit_id     bigint NOT NULL REFERENCES units (id),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (official_id, unit_id)
);

-- A head lets a deputy review on their behalf for a date range.
CREATE TABLE delegations (
    id         bigserial PRIMARY KEY,
    head_id    bigint NOT NULL REFERENCES officials (id),
    deputy_id  bigint NOT NULL REFERENCES officials (id),
    first_day  date NOT NULL,
    last_day   date NOT NULL CHECK (last_day >= first_day),
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX delegations_head ON delegations (head_id, last_day) WHERE revoked_at IS NULL;

-- Results of a unit's month, published (công khai); the month locks then.
CREATE TABLE publications (
    unit_id      bigint NOT NULL REFERENCES units (id),
    month        date NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by bigint REFERENCES officials (id), -- NULL: the scheduled publication
    PRIMARY KEY (unit_id, month)
);

ALTER TABLE assessments ADD COLUMN locked_at timestamptz;       -- set at publication
ALTER TABLE assessments ADD COLUMN on_behalf_of bigint REFERENCES officials (id); -- the head a deputy approved for

-- After publication an official may ask for reconsideration (xem xét lại)
-- within 3 working days, with a reason; the head decides.
CREATE TABLE reconsiderations (
    id              bigserial PRIMARY KEY,
    assessment_id   bigint NOT NULL REFERENCES assessments (id),
    reason          text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    decided_by      bigint REFERENCES officials (id),
    decision_reason text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz
);

CREATE UNIQUE INDEX reconsiderations_one_open ON reconsiderations (assessment_id) WHERE status = 'pending';
