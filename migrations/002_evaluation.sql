-- Plans (kế hoạch công tác tuần / tháng), their tasks, and the monthly
-- self-assessment (tự đánh giá) with the head's review.

CREATE TABLE plans (
    id            bigserial PRIMARY KEY,
    official_id   bigint NOT NULL REFERENCES officials (id),
    kind          text NOT NULL CHECK (kind IN ('week', 'month')),
    period_start  date NOT NULL,  -- Monday of the week, or the 1st of the month
    month         date NOT NULL,  -- 1st of the month it counts in (a week: the month of its Thursday)
    status        text NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    return_reason text,
    reviewer_id   bigint REFERENCES officials (id),
    submitted_at  timestamptz,
    decided_at    timestamptz,
    version       integer NOT NULL DEFAULT 1, -- bumped on every change; buttons carry it to detect stale taps
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (official_id, kind, period_start)
);

CREATE INDEX plans_month ON plans (official_id, month);
CREATE INDEX plans_reviewer ON plans (reviewer_id, status);

CREATE TABLE tasks (
    id             bigserial PRIMARY KEY,
    plan_id        bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position       integer NOT NULL,   -- 1-based, as shown
    title          text NOT NULL,
    deadline       date,
    weight         integer NOT NULL DEFAULT 100 CHECK (weight > 0), -- hundredths of a standard unit
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'on_time', 'late', 'not_done')),
    delays         integer NOT NULL DEFAULT 0 CHECK (delays >= 0),
    quality_faults integer NOT NULL DEFAULT 0 CHECK (quality_faults >= 0),
    UNIQUE (plan_id, position)
);

CREATE TABLE assessments (
    id                bigserial PRIMARY KEY,
    official_id       bigint NOT NULL REFERENCES officials (id),
    month             date NOT NULL,  -- 1st of the month
    framework_id      text NOT NULL,
    framework_version text NOT NULL,
    status            text NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    self_criteria     jsonb NOT NULL DEFAULT '{}', -- criterion id → hundredths, as self-assessed
    self_bonus        integer NOT NULL DEFAULT 0,
    bonus_reason      text,
    self_total        integer,  -- provisional, hundredths, at submission
    self_grade        text,
    criteria          jsonb,    -- as approved (the head may adjust)
    bonus             integer,
    manual_task_score integer,  -- head-entered when the plan had no tasks
    return_reason     text,
    reviewer_id       bigint REFERENCES officials (id),
    submitted_at      timestamptz,
    approved_at       timestamptz,
    graded            boolean,
    total             integer,
    grade             text CHECK (grade IN ('A', 'B', 'C', 'D')),
    result            jsonb,    -- the grading engine's full Result, for the card and exports
    quota_demoted     boolean NOT NULL DEFAULT false,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (official_id, month)
);

CREATE INDEX assessments_reviewer ON assessments (reviewer_id, status);
CREATE INDEX assessments_month ON assessments (month, status);
