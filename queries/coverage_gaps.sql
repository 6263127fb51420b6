-- name: coverage_gaps
-- description: Every (account, region, check) of the latest run that was not fully scanned, and why; "0 idle" there means "unknown".
WITH latest AS (
    SELECT dt, run_id
    FROM coverage
    GROUP BY dt, run_id
    ORDER BY dt DESC, run_id DESC
    LIMIT 1
)
SELECT
    c.account_id,
    c.region,
    c.check_id,
    c.status,
    c.error_code,
    c.error_message
FROM coverage AS c
JOIN latest AS l ON c.dt = l.dt AND c.run_id = l.run_id
WHERE c.status <> 'ok'
ORDER BY c.account_id, c.region, c.check_id
