-- A disciplinary measure (kỷ luật) decided in a month forces grade D for it
-- (DESIGN.md §3); the framework lists which levels do.
CREATE TABLE disciplines (
    official_id bigint NOT NULL REFERENCES officials (id),
    month       date NOT NULL,
    level       text NOT NULL CHECK (level IN ('reprimand', 'warning', 'demotion', 'dismissal')),
    reason      text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (official_id, month)
);
