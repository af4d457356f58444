-- Finding a head's superior and a unit's children walks units by parent_id
-- (a sequential scan of units per press at city scale); processed_updates
-- is pruned by age (internal/inbound: Telegram repeats an update for at most
-- a day, and picks update ids at random after a quiet week).
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX processed_updates_at ON processed_updates (processed_at);
