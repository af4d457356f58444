-- processed_updates is written in processed_at order (one row per update,
-- at its handling) and only pruned by age: a BRIN index finds the old rows
-- as well as a B-tree did, without a second B-tree insert at every press.
DROP INDEX processed_updates_at;
CREATE INDEX processed_updates_at ON processed_updates USING brin (processed_at);
