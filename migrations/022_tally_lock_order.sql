-- The tallies of migration 020 take their rows in one order: by unit id,
-- then by month or week (issue 22, attack; decision 0016). A person moved
-- from unit A to unit B took A's tally rows, then B's; another moved at the
-- same time from B to A took B's, then A's, and when a head's approval held
-- one of them a moment, PostgreSQL found the two moves waiting on each other
-- and killed one (40P01 deadlock detected, reproduced by
-- dashboard_test.TestOppositeMovesDoNotDeadlock). Now a move writes each
-- table once, both units' differences in one statement sorted by unit id,
-- and every other tally statement sorts its rows the same way, so two
-- transactions wait for each other only in one direction.

CREATE OR REPLACE FUNCTION tally_assessments(rows jsonb) RETURNS void LANGUAGE sql AS $$
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
     GROUP BY o.unit_id, r.month
     ORDER BY o.unit_id, r.month
    ON CONFLICT (month, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved,
        grade_a = t.grade_a + EXCLUDED.grade_a, grade_b = t.grade_b + EXCLUDED.grade_b,
        grade_c = t.grade_c + EXCLUDED.grade_c, grade_d = t.grade_d + EXCLUDED.grade_d,
        not_graded = t.not_graded + EXCLUDED.not_graded
$$;

CREATE OR REPLACE FUNCTION tally_assessments_stmt() RETURNS trigger LANGUAGE plpgsql AS $$
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
     GROUP BY o.unit_id, r.month
     ORDER BY o.unit_id, r.month
    ON CONFLICT (month, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved,
        grade_a = t.grade_a + EXCLUDED.grade_a, grade_b = t.grade_b + EXCLUDED.grade_b,
        grade_c = t.grade_c + EXCLUDED.grade_c, grade_d = t.grade_d + EXCLUDED.grade_d,
        not_graded = t.not_graded + EXCLUDED.not_graded;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tally_plans(rows jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO unit_week_tallies AS t (week_start, unit_id, submitted, approved)
    SELECT r.period_start, o.unit_id,
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'submitted'), 0),
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'approved'), 0)
      FROM jsonb_to_recordset(rows) AS r(official_id bigint, kind text, period_start date, status text, sign integer)
      JOIN officials o ON o.id = r.official_id AND o.active
     WHERE r.kind = 'week' AND r.status IN ('submitted', 'approved')
     GROUP BY o.unit_id, r.period_start
     ORDER BY o.unit_id, r.period_start
    ON CONFLICT (week_start, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved
$$;

CREATE OR REPLACE FUNCTION tally_plans_stmt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_week_tallies AS t (week_start, unit_id, submitted, approved)
    SELECT r.period_start, o.unit_id,
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'submitted'),
           TG_ARGV[0]::int * count(*) FILTER (WHERE r.status = 'approved')
      FROM changed r JOIN officials o ON o.id = r.official_id AND o.active
     WHERE r.kind = 'week' AND r.status IN ('submitted', 'approved')
     GROUP BY o.unit_id, r.period_start
     ORDER BY o.unit_id, r.period_start
    ON CONFLICT (week_start, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tally_officials_stmt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_tallies AS t (unit_id, people)
    SELECT r.unit_id, TG_ARGV[0]::int * count(*) FROM changed r WHERE r.active GROUP BY r.unit_id ORDER BY r.unit_id
    ON CONFLICT (unit_id) DO UPDATE SET people = t.people + EXCLUDED.people;
    RETURN NULL;
END $$;

-- A person who moves, leaves or comes back: OLD's unit loses them and their
-- counted assessments and weekly plans (when OLD was active), NEW's gains
-- them (when NEW is active); each table in one statement, by unit id.
CREATE OR REPLACE FUNCTION tally_officials_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_sign integer := CASE WHEN OLD.active THEN -1 ELSE 0 END;
    new_sign integer := CASE WHEN NEW.active THEN 1 ELSE 0 END;
BEGIN
    INSERT INTO unit_tallies AS t (unit_id, people)
    SELECT d.unit_id, sum(d.sign)
      FROM (VALUES (OLD.unit_id, old_sign), (NEW.unit_id, new_sign)) AS d(unit_id, sign)
     WHERE d.sign <> 0
     GROUP BY d.unit_id
     ORDER BY d.unit_id
    ON CONFLICT (unit_id) DO UPDATE SET people = t.people + EXCLUDED.people;

    INSERT INTO unit_month_tallies AS t (month, unit_id, submitted, approved, grade_a, grade_b, grade_c, grade_d, not_graded)
    SELECT a.month, d.unit_id,
           coalesce(sum(d.sign) FILTER (WHERE a.status = 'submitted'), 0),
           coalesce(sum(d.sign) FILTER (WHERE a.status = 'approved'), 0),
           coalesce(sum(d.sign) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'A'), 0),
           coalesce(sum(d.sign) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'B'), 0),
           coalesce(sum(d.sign) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'C'), 0),
           coalesce(sum(d.sign) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'D'), 0),
           coalesce(sum(d.sign) FILTER (WHERE a.status = 'approved' AND NOT coalesce(a.graded, false)), 0)
      FROM assessments a
     CROSS JOIN (VALUES (OLD.unit_id, old_sign), (NEW.unit_id, new_sign)) AS d(unit_id, sign)
     WHERE a.official_id = NEW.id AND a.status IN ('submitted', 'approved') AND d.sign <> 0
     GROUP BY d.unit_id, a.month
     ORDER BY d.unit_id, a.month
    ON CONFLICT (month, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved,
        grade_a = t.grade_a + EXCLUDED.grade_a, grade_b = t.grade_b + EXCLUDED.grade_b,
        grade_c = t.grade_c + EXCLUDED.grade_c, grade_d = t.grade_d + EXCLUDED.grade_d,
        not_graded = t.not_graded + EXCLUDED.not_graded;

    INSERT INTO unit_week_tallies AS t (week_start, unit_id, submitted, approved)
    SELECT p.period_start, d.unit_id,
           coalesce(sum(d.sign) FILTER (WHERE p.status = 'submitted'), 0),
           coalesce(sum(d.sign) FILTER (WHERE p.status = 'approved'), 0)
      FROM plans p
     CROSS JOIN (VALUES (OLD.unit_id, old_sign), (NEW.unit_id, new_sign)) AS d(unit_id, sign)
     WHERE p.official_id = NEW.id AND p.kind = 'week' AND p.status IN ('submitted', 'approved') AND d.sign <> 0
     GROUP BY d.unit_id, p.period_start
     ORDER BY d.unit_id, p.period_start
    ON CONFLICT (week_start, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved;
    RETURN NULL;
END $$;
