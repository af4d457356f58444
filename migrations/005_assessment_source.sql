-- A person who never answers is still graded: the head assesses alone, and
-- the card and the review say so (DESIGN.md section 2).
ALTER TABLE assessments ADD COLUMN self_assessed boolean NOT NULL DEFAULT true;
