-- The dashboard's counts per unit, kept by triggers in the transaction that
-- changes what they count (issue 22: a city's dashboard, 100,000 officials
-- in 5,000 units, within 300 ms; counting them from the rows took 270–770 ms
-- on a 2-core machine). Decision 0016.
--
-- Every count is of a unit's own ACTIVE officials (not its sub-units'), by
-- their current unit, as dashboard.Read counted them from the rows:
--   unit_tallies        people
--   unit_month_tallies  the month's assessments submitted (waiting for the
--                       head) and approved, and the approved ones' grades
--                       (A–D when graded, not_graded otherwise); drafts,
--                       returned and missing ones are people − submitted −
--                       approved, so creating drafts changes nothing here
--   unit_week_tallies   the week's weekly plans submitted and approved
-- A trigger never reads a tally: it adds a difference, so concurrent
-- transactions commute, and a reader's snapshot sees the tallies of exactly
-- the rows it sees. Inserts and deletes are counted once per statement (a
-- roster import, a seeding); updates once per row, and only when a counted
-- column changed (the trigger's WHEN: a score press costs nothing).

CREATE TABLE unit_tallies (
    unit_id bigint PRIMARY KEY REFERENCES units (id) ON DELETE CASCADE,
    people  integer NOT NULL DEFAULT 0
);

CREATE TABLE unit_month_tallies (
    month      date NOT NULL,
    unit_id    bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    submitted  integer NOT NULL DEFAULT 0,
    approved   integer NOT NULL DEFAULT 0,
    grade_a    integer NOT NULL DEFAULT 0,
    grade_b    integer NOT NULL DEFAULT 0,
    grade_c    integer NOT NULL DEFAULT 0,
    grade_d    integer NOT NULL DEFAULT 0,
    not_graded integer NOT NULL DEFAULT 0,
    PRIMARY KEY (month, unit_id)
);

CREATE TABLE unit_week_tallies (
    week_start date NOT NULL, -- the Monday (plans.period_start)
    unit_id    bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    submitted  integer NOT NULL DEFAULT 0,
    approved   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (week_start, unit_id)
);

-- tally_assessments adds sign × the counts of the given assessments
-- (official, month, status, graded, grade) to their officials' units.
CREATE FUNCTION tally_assessments(rows jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO unit_month_tallies AS t (month, unit_id, submitted, approved, grade_a, grade_b, grade_c, grade_d, not_graded)
    SELECT r.month, o.unit_id,
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'submitted'), 0),
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'approved'), 0),
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'approved' AND r.graded AND r.grade = 'A'), 0),
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'approved' AND r.graded AND r.grade = 'B'), 0),
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'approved' AND r.graded AND r.grade = 'C'), 0),
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'approved' AND r.graded AND r.grade = 'D'), 0),
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'approved' AND NOT coalesce(r.graded, false)), 0)
      FROM jsonb_to_recordset(rows) AS r(official_id bigint, month date, status text, graded boolean, grade text, sign integer)
      JOIN officials o ON o.id = r.official_id AND o.active
     WHERE r.status IN ('submitted', 'approved')
     GROUP BY r.month, o.unit_id
    ON CONFLICT (month, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved,
        grade_a = t.grade_a + EXCLUDED.grade_a, grade_b = t.grade_b + EXCLUDED.grade_b,
        grade_c = t.grade_c + EXCLUDED.grade_c, grade_d = t.grade_d + EXCLUDED.grade_d,
        not_graded = t.not_graded + EXCLUDED.not_graded
$$;

-- The statement-level triggers of inserts and deletes: TG_ARGV[0] is the
-- sign, the transition table is "changed".
CREATE FUNCTION tally_assessments_stmt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_month_tallies AS t (month, unit_id, submitted, approved, grade_a, grade_b, grade_c, grade_d, not_graded)
    SELECT r.month, o.unit_id,
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'submitted'),
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'approved'),
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'approved' AND r.graded AND r.grade = 'A'),
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'approved' AND r.graded AND r.grade = 'B'),
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'approved' AND r.graded AND r.grade = 'C'),
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'approved' AND r.graded AND r.grade = 'D'),
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'approved' AND NOT coalesce(r.graded, false))
      FROM changed r JOIN officials o ON o.id = r.official_id AND o.active
     WHERE r.status IN ('submitted', 'approved')
     GROUP BY r.month, o.unit_id
    ON CONFLICT (month, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved,
        grade_a = t.grade_a + EXCLUDED.grade_a, grade_b = t.grade_b + EXCLUDED.grade_b,
        grade_c = t.grade_c + EXCLUDED.grade_c, grade_d = t.grade_d + EXCLUDED.grade_d,
        not_graded = t.not_graded + EXCLUDED.not_graded;
    RETURN NULL;
END $$;

CREATE FUNCTION tally_assessments_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_assessments(jsonb_build_array(
        jsonb_build_object('official_id', OLD.official_id, 'month', OLD.month, 'status', OLD.status,
                           'graded', OLD.graded, 'grade', OLD.grade, 'sign', -1),
        jsonb_build_object('official_id', NEW.official_id, 'month', NEW.month, 'status', NEW.status,
                           'graded', NEW.graded, 'grade', NEW.grade, 'sign', 1)));
    RETURN NULL;
END $$;

CREATE TRIGGER assessments_tally_insert AFTER INSERT ON assessments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tally_assessments_stmt('1');
CREATE TRIGGER assessments_tally_delete AFTER DELETE ON assessments
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tally_assessments_stmt('-1');
CREATE TRIGGER assessments_tally_update AFTER UPDATE OF official_id, month, status, graded, grade ON assessments
    FOR EACH ROW
    WHEN (OLD.official_id IS DISTINCT FROM NEW.official_id OR OLD.month IS DISTINCT FROM NEW.month
       OR OLD.status IS DISTINCT FROM NEW.status OR OLD.graded IS DISTINCT FROM NEW.graded
       OR OLD.grade IS DISTINCT FROM NEW.grade)
    EXECUTE FUNCTION tally_assessments_row();

-- Weekly plans.
CREATE FUNCTION tally_plans(rows jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO unit_week_tallies AS t (week_start, unit_id, submitted, approved)
    SELECT r.period_start, o.unit_id,
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'submitted'), 0),
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'approved'), 0)
      FROM jsonb_to_recordset(rows) AS r(official_id bigint, kind text, period_start date, status text, sign integer)
      JOIN officials o ON o.id = r.official_id AND o.active
     WHERE r.kind = 'week' AND r.status IN ('submitted', 'approved')
     GROUP BY r.period_start, o.unit_id
    ON CONFLICT (week_start, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved
$$;

CREATE FUNCTION tally_plans_stmt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_week_tallies AS t (week_start, unit_id, submitted, approved)
    SELECT r.period_start, o.unit_id,
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'submitted'),
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'approved')
      FROM changed r JOIN officials o ON o.id = r.official_id AND o.active
     WHERE r.kind = 'week' AND r.status IN ('submitted', 'approved')
     GROUP BY r.period_start, o.unit_id
    ON CONFLICT (week_start, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved;
    RETURN NULL;
END $$;

CREATE FUNCTION tally_plans_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_plans(jsonb_build_array(
        jsonb_build_object('official_id', OLD.official_id, 'kind', OLD.kind, 'period_start', OLD.period_start,
                           'status', OLD.status, 'sign', -1),
        jsonb_build_object('official_id', NEW.official_id, 'kind', NEW.kind, 'period_start', NEW.period_start,
                           'status', NEW.status, 'sign', 1)));
    RETURN NULL;
END $$;

CREATE TRIGGER plans_tally_insert AFTER INSERT ON plans
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tally_plans_stmt('1');
CREATE TRIGGER plans_tally_delete AFTER DELETE ON plans
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tally_plans_stmt('-1');
CREATE TRIGGER plans_tally_update AFTER UPDATE OF official_id, kind, period_start, status ON plans
    FOR EACH ROW
    WHEN (OLD.official_id IS DISTINCT FROM NEW.official_id OR OLD.kind IS DISTINCT FROM NEW.kind
       OR OLD.period_start IS DISTINCT FROM NEW.period_start OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION tally_plans_row();

-- Officials: people per unit; an official who moves to another unit, leaves
-- or comes back takes their assessments and weekly plans (every month and
-- week) from one unit's tallies to the other's.
CREATE FUNCTION tally_officials_stmt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_tallies AS t (unit_id, people)
    SELECT r.unit_id, TG_ARGV[0]::int * count(*) FROM changed r WHERE r.active GROUP BY r.unit_id
    ON CONFLICT (unit_id) DO UPDATE SET people = t.people + EXCLUDED.people;
    RETURN NULL;
END $$;

CREATE FUNCTION tally_officials_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The assessments and plans were counted in OLD's unit (if OLD was
    -- active): take them off there, then add them in NEW's (if active).
    -- tally_* read the official's row as it is now (NEW), so the taking
    -- off is written out here.
    IF OLD.active THEN
        INSERT INTO unit_tallies AS t (unit_id, people) VALUES (OLD.unit_id, -1)
        ON CONFLICT (unit_id) DO UPDATE SET people = t.people - 1;
        INSERT INTO unit_month_tallies AS t (month, unit_id, submitted, approved, grade_a, grade_b, grade_c, grade_d, not_graded)
        SELECT a.month, OLD.unit_id,
               -count(*) FILTER (WHERE a.status = 'submitted'),
               -count(*) FILTER (WHERE a.status = 'approved'),
               -count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'A'),
               -count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'B'),
               -count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'C'),
               -count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'D'),
               -count(*) FILTER (WHERE a.status = 'approved' AND NOT coalesce(a.graded, false))
          FROM assessments a WHERE a.official_id = OLD.id AND a.status IN ('submitted', 'approved')
         GROUP BY a.month
        ON CONFLICT (month, unit_id) DO UPDATE SET
            submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved,
            grade_a = t.grade_a + EXCLUDED.grade_a, grade_b = t.grade_b + EXCLUDED.grade_b,
            grade_c = t.grade_c + EXCLUDED.grade_c, grade_d = t.grade_d + EXCLUDED.grade_d,
            not_graded = t.not_graded + EXCLUDED.not_graded;
        INSERT INTO unit_week_tallies AS t (week_start, unit_id, submitted, approved)
        SELECT p.period_start, OLD.unit_id,
               -count(*) FILTER (WHERE p.status = 'submitted'),
               -count(*) FILTER (WHERE p.status = 'approved')
          FROM plans p WHERE p.official_id = OLD.id AND p.kind = 'week' AND p.status IN ('submitted', 'approved')
         GROUP BY p.period_start
        ON CONFLICT (week_start, unit_id) DO UPDATE SET
            submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved;
    END IF;
    IF NEW.active THEN
        INSERT INTO unit_tallies AS t (unit_id, people) VALUES (NEW.unit_id, 1)
        ON CONFLICT (unit_id) DO UPDATE SET people = t.people + 1;
        PERFORM tally_assessments(coalesce(jsonb_agg(jsonb_build_object('official_id', a.official_id, 'month', a.month,
                    'status', a.status, 'graded', a.graded, 'grade', a.grade, 'sign', 1)), '[]'))
           FROM assessments a WHERE a.official_id = NEW.id AND a.status IN ('submitted', 'approved');
        PERFORM tally_plans(coalesce(jsonb_agg(jsonb_build_object('official_id', p.official_id, 'kind', p.kind,
                    'period_start', p.period_start, 'status', p.status, 'sign', 1)), '[]'))
           FROM plans p WHERE p.official_id = NEW.id AND p.kind = 'week' AND p.status IN ('submitted', 'approved');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER officials_tally_insert AFTER INSERT ON officials
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tally_officials_stmt('1');
CREATE TRIGGER officials_tally_delete AFTER DELETE ON officials
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tally_officials_stmt('-1');
CREATE TRIGGER officials_tally_update AFTER UPDATE OF unit_id, active ON officials
    FOR EACH ROW
    WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION tally_officials_row();

-- What the rows count now.
INSERT INTO unit_tallies (unit_id, people)
SELECT unit_id, count(*) FROM officials WHERE active GROUP BY unit_id;

INSERT INTO unit_month_tallies (month, unit_id, submitted, approved, grade_a, grade_b, grade_c, grade_d, not_graded)
SELECT a.month, o.unit_id,
       count(*) FILTER (WHERE a.status = 'submitted'),
       count(*) FILTER (WHERE a.status = 'approved'),
       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'A'),
       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'B'),
       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'C'),
       count(*) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'D'),
       count(*) FILTER (WHERE a.status = 'approved' AND NOT coalesce(a.graded, false))
  FROM assessments a JOIN officials o ON o.id = a.official_id AND o.active
 WHERE a.status IN ('submitted', 'approved')
 GROUP BY a.month, o.unit_id;

INSERT INTO unit_week_tallies (week_start, unit_id, submitted, approved)
SELECT p.period_start, o.unit_id,
       count(*) FILTER (WHERE p.status = 'submitted'),
       count(*) FILTER (WHERE p.status = 'approved')
  FROM plans p JOIN officials o ON o.id = p.official_id AND o.active
 WHERE p.kind = 'week' AND p.status IN ('submitted', 'approved')
 GROUP BY p.period_start, o.unit_id;
