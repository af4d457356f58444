-- placeholder for the delivery schema (reserved)
SELECT 1;
