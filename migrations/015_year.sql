-- Quarters and the year (issue 23; Decree 335/2025/NĐ-CP Art. 21): a
-- person's months follow them across units, so each month's assessment
-- keeps the unit it was evaluated in (the reviewer is already on record in
-- reviewer_id). Rows written before this column are backfilled from the
-- person's current unit, the best record there is.
ALTER TABLE assessments ADD COLUMN unit_id bigint REFERENCES units (id);
UPDATE assessments a SET unit_id = o.unit_id FROM officials o WHERE o.id = a.official_id;

-- Every insert path records the unit of the month: the person's unit when
-- the month's assessment is opened, unless the insert names one.
CREATE FUNCTION assessments_unit_of_month() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.unit_id IS NULL THEN
        SELECT unit_id INTO NEW.unit_id FROM officials WHERE id = NEW.official_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER assessments_unit_of_month BEFORE INSERT ON assessments
    FOR EACH ROW EXECUTE FUNCTION assessments_unit_of_month();
ALTER TABLE assessments ALTER COLUMN unit_id SET NOT NULL;

-- A person's quarter (quarter 1–4) or year (quarter 0), computed from the
-- stored months (internal/yearly): a draft until the head of the person's
-- unit at the period's end confirms it or adjusts it with a reason.
CREATE TABLE period_results (
    official_id       bigint NOT NULL REFERENCES officials (id),
    year              integer NOT NULL,
    quarter           smallint NOT NULL CHECK (quarter BETWEEN 0 AND 4), -- 0: the year
    unit_id           bigint NOT NULL REFERENCES units (id),             -- the unit at the period's end
    framework_id      text NOT NULL,
    framework_version text NOT NULL,
    months            smallint NOT NULL,  -- graded months counted
    sum_total         integer NOT NULL,   -- hundredths
    mean_total        integer NOT NULL,   -- hundredths, rounded half up once
    count_a           smallint NOT NULL,
    count_b           smallint NOT NULL,
    count_c           smallint NOT NULL,
    count_d           smallint NOT NULL,
    graded            boolean NOT NULL,
    computed_grade    text CHECK (computed_grade IN ('A', 'B', 'C', 'D')), -- from the rules alone
    grade             text CHECK (grade IN ('A', 'B', 'C', 'D')),          -- final: computed, confirmed or adjusted
    overrides         jsonb NOT NULL DEFAULT '[]',
    quota_excess      boolean NOT NULL DEFAULT false, -- an A the unit's quota has no room for: the head chooses
    status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed', 'adjusted')),
    reason            text,                           -- why it was adjusted
    confirmed_by      bigint REFERENCES officials (id),
    confirmed_at      timestamptz,
    version           integer NOT NULL DEFAULT 1,
    computed_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (official_id, year, quarter)
);

CREATE INDEX period_results_unit ON period_results (unit_id, year, quarter);
