-- placeholder: the citizen ratings schema lands here
SELECT 1;
