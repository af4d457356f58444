-- A placeholder: 019 is another branch's migration (issue 22); tern needs the numbers without a gap.
-- Drop this file when merging a branch that has its own 019.
SELECT 1;
