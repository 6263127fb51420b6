-- name: top_idle_by_cost
-- description: The 100 costliest idle (flagged) resources of the latest run, with the reason each was flagged.
WITH latest AS (
    SELECT dt, run_id
    FROM coverage
    GROUP BY dt, run_id
    ORDER BY dt DESC, run_id DESC
    LIMIT 1
)
SELECT
    f.account_id,
    f.account_name,
    f.region,
    f.check_id,
    f.resource_type,
    f.resource_id,
    f.resource_arn,
    f.monthly_cost_usd,
    f.reason
FROM findings AS f
JOIN latest AS l ON f.dt = l.dt AND f.run_id = l.run_id
WHERE f.verdict = 'flagged'
ORDER BY f.monthly_cost_usd DESC, f.account_id, f.region, f.check_id, f.resource_id
LIMIT 100
