-- A campaign for a whole city is not one transaction: per-person campaigns
-- (plans, the Friday report, the self-assessment prompt) run in batches of
-- officials in id order, each batch one transaction that also moves
-- next_official on; finished_at is set with the last batch. A crash midway
-- resumes after the last committed batch, and two replicas take batches in
-- turn (the row is locked per batch). Rows written without these columns are
-- finished runs.
ALTER TABLE campaign_runs ADD COLUMN next_official bigint NOT NULL DEFAULT 0;
ALTER TABLE campaign_runs ADD COLUMN finished_at timestamptz DEFAULT now();
UPDATE campaign_runs SET finished_at = fired_at;
CREATE INDEX campaign_runs_unfinished ON campaign_runs (campaign) WHERE finished_at IS NULL;
