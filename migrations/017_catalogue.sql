-- Decree 335/2025/NĐ-CP: the catalogue of products and work (danh mục sản
-- phẩm, công việc) each agency sets, counted in standard units (đã quy đổi);
-- per-task quality marks ("chưa đạt"); and the task group (nhóm có nhiệm vụ
-- tương đồng) the grade-A quota is counted within. Integrator: renumber to 017.

CREATE TABLE catalogue_items (
    id          bigserial PRIMARY KEY,
    agency_id   bigint NOT NULL REFERENCES units (id), -- the agency (cơ quan) whose catalogue it is
    code        text NOT NULL,                          -- upper case, unique per agency
    name        text NOT NULL,
    measure     text NOT NULL,                          -- unit of measure (đơn vị tính): hồ sơ, văn bản, cuộc
    factor      integer NOT NULL CHECK (factor > 0),    -- standard units per item, hundredths (150 = 1.5)
    applies_to  text[] NOT NULL DEFAULT '{}',           -- positions or task groups it is for; empty: everyone
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, code)
);

-- A task picked from the catalogue keeps the item and the quantity; its
-- weight is quantity × factor, fixed when the plan is saved.
ALTER TABLE tasks
    ADD COLUMN catalogue_item_id bigint REFERENCES catalogue_items (id),
    ADD COLUMN quantity integer CHECK (quantity > 0),
    ADD CONSTRAINT tasks_catalogue_quantity CHECK ((catalogue_item_id IS NULL) = (quantity IS NULL));

-- Each "chưa đạt" the head (or a deputy) gives a done task; tasks.quality_faults
-- is their count, kept in the same transaction.
CREATE TABLE task_quality_marks (
    id           bigserial PRIMARY KEY,
    task_id      bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    actor_id     bigint NOT NULL REFERENCES officials (id),
    on_behalf_of bigint REFERENCES officials (id), -- the head, when a deputy marked
    reason       text NOT NULL,
    marked_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX task_quality_marks_task ON task_quality_marks (task_id, id);

ALTER TABLE officials ADD COLUMN task_group text NOT NULL DEFAULT '';
