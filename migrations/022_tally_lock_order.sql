-- The tallies of migration 020 take their rows in one order: by unit id,
-- then by month or week (issue 22, attack; decision 0016). A person moved
-- from unit A to unit B took A's tally rows, then B's; another moved at the
-- same time from B to A took B's, then A's, and when a head's approval held
-- one of them a moment, PostgreSQL found the two moves waiting on each other
-- and killed one (40P01 deadlock detected, reproduced by
-- dashboard_test.TestOppositeMovesDoNotDeadlock). Now an UPDATE of
-- officials writes each tally table once, every unit's difference in one
-- statement sorted by unit id (tally_officials_moved, per statement), and
-- every other tally statement sorts its rows the same way: the tallies,
-- then the month's, then the week's, each by unit id, so two statements
-- wait for each other only in one direction.

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

-- People who move, leave or come back, counted once per statement (a roster
-- import moves thousands in one): each old unit loses them and their counted
-- assessments and weekly plans (when they were active), each new unit gains
-- them (when they are active); each table in one statement sorted by unit
-- id. A row-level trigger took each person's units in turn, so an import
-- moving X from B and then Z from A, and a head moving Y from A to B, could
-- still hold what the other waited for. (A transition table cannot go with a
-- column list, so the trigger fires on every update of officials and looks
-- for the rows whose unit or active flag changed.)
DROP TRIGGER officials_tally_update ON officials;
DROP FUNCTION tally_officials_row();

CREATE FUNCTION tally_officials_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                    WHERE o.unit_id IS DISTINCT FROM n.unit_id OR o.active IS DISTINCT FROM n.active) THEN
        RETURN NULL; -- a name, a chat id, a head flag: nothing counted changed
    END IF;

    WITH moves AS (
        SELECT d.official_id, d.unit_id, d.sign
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         CROSS JOIN LATERAL (VALUES (o.id, o.unit_id, CASE WHEN o.active THEN -1 ELSE 0 END),
                                    (n.id, n.unit_id, CASE WHEN n.active THEN 1 ELSE 0 END)) AS d(official_id, unit_id, sign)
         WHERE (o.unit_id IS DISTINCT FROM n.unit_id OR o.active IS DISTINCT FROM n.active) AND d.sign <> 0
    )
    INSERT INTO unit_tallies AS t (unit_id, people)
    SELECT m.unit_id, sum(m.sign) FROM moves m
     GROUP BY m.unit_id
     ORDER BY m.unit_id
    ON CONFLICT (unit_id) DO UPDATE SET people = t.people + EXCLUDED.people;

    WITH moves AS (
        SELECT d.official_id, d.unit_id, d.sign
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         CROSS JOIN LATERAL (VALUES (o.id, o.unit_id, CASE WHEN o.active THEN -1 ELSE 0 END),
                                    (n.id, n.unit_id, CASE WHEN n.active THEN 1 ELSE 0 END)) AS d(official_id, unit_id, sign)
         WHERE (o.unit_id IS DISTINCT FROM n.unit_id OR o.active IS DISTINCT FROM n.active) AND d.sign <> 0
    )
    INSERT INTO unit_month_tallies AS t (month, unit_id, submitted, approved, grade_a, grade_b, grade_c, grade_d, not_graded)
    SELECT a.month, m.unit_id,
           coalesce(sum(m.sign) FILTER (WHERE a.status = 'submitted'), 0),
           coalesce(sum(m.sign) FILTER (WHERE a.status = 'approved'), 0),
           coalesce(sum(m.sign) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'A'), 0),
           coalesce(sum(m.sign) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'B'), 0),
           coalesce(sum(m.sign) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'C'), 0),
           coalesce(sum(m.sign) FILTER (WHERE a.status = 'approved' AND a.graded AND a.grade = 'D'), 0),
           coalesce(sum(m.sign) FILTER (WHERE a.status = 'approved' AND NOT coalesce(a.graded, false)), 0)
      FROM moves m JOIN assessments a ON a.official_id = m.official_id AND a.status IN ('submitted', 'approved')
     GROUP BY m.unit_id, a.month
     ORDER BY m.unit_id, a.month
    ON CONFLICT (month, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved,
        grade_a = t.grade_a + EXCLUDED.grade_a, grade_b = t.grade_b + EXCLUDED.grade_b,
        grade_c = t.grade_c + EXCLUDED.grade_c, grade_d = t.grade_d + EXCLUDED.grade_d,
        not_graded = t.not_graded + EXCLUDED.not_graded;

    WITH moves AS (
        SELECT d.official_id, d.unit_id, d.sign
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         CROSS JOIN LATERAL (VALUES (o.id, o.unit_id, CASE WHEN o.active THEN -1 ELSE 0 END),
                                    (n.id, n.unit_id, CASE WHEN n.active THEN 1 ELSE 0 END)) AS d(official_id, unit_id, sign)
         WHERE (o.unit_id IS DISTINCT FROM n.unit_id OR o.active IS DISTINCT FROM n.active) AND d.sign <> 0
    )
    INSERT INTO unit_week_tallies AS t (week_start, unit_id, submitted, approved)
    SELECT p.period_start, m.unit_id,
           coalesce(sum(m.sign) FILTER (WHERE p.status = 'submitted'), 0),
           coalesce(sum(m.sign) FILTER (WHERE p.status = 'approved'), 0)
      FROM moves m JOIN plans p ON p.official_id = m.official_id AND p.kind = 'week' AND p.status IN ('submitted', 'approved')
     GROUP BY m.unit_id, p.period_start
     ORDER BY m.unit_id, p.period_start
    ON CONFLICT (week_start, unit_id) DO UPDATE SET
        submitted = t.submitted + EXCLUDED.submitted, approved = t.approved + EXCLUDED.approved;
    RETURN NULL;
END $$;

CREATE TRIGGER officials_tally_update AFTER UPDATE ON officials
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tally_officials_moved();

-- Not the tallies, but found by the same attack (issue 23): a task system was
-- its key's name alone, so two offices each running a product of the same
-- name shared one space of source ids, and the second office's push of a
-- document number the first had used was refused for ever (403). A system is
-- now its name within its key's unit (apikeys.SystemOf): «vnpt ioffice@PHB-KT».
UPDATE assignments a SET system = a.system || '@' || u.code
  FROM api_keys k JOIN units u ON u.id = k.unit_id
 WHERE k.id = a.api_key_id;
UPDATE api_keys k SET system = k.system || '@' || u.code
  FROM units u
 WHERE u.id = k.unit_id;
