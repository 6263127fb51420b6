-- name: new_findings_since_previous_run
-- description: Findings of the latest run whose (account, region, check, resource) the run before it did not report.
WITH runs AS (
    SELECT dt, run_id, ROW_NUMBER() OVER (ORDER BY dt DESC, run_id DESC) AS rn
    FROM (SELECT DISTINCT dt, run_id FROM coverage) AS r
),
latest AS (
    SELECT dt, run_id FROM runs WHERE rn = 1
),
previous_findings AS (
    SELECT DISTINCT f.account_id, f.region, f.check_id, f.resource_id
    FROM findings AS f
    JOIN runs AS p ON f.dt = p.dt AND f.run_id = p.run_id AND p.rn = 2
)
SELECT
    f.account_id,
    f.account_name,
    f.region,
    f.check_id,
    f.resource_id,
    f.verdict,
    f.monthly_cost_usd,
    f.reason
FROM findings AS f
JOIN latest AS l ON f.dt = l.dt AND f.run_id = l.run_id
LEFT JOIN previous_findings AS p
    ON p.account_id = f.account_id AND p.region = f.region AND p.check_id = f.check_id AND p.resource_id = f.resource_id
WHERE p.resource_id IS NULL
ORDER BY f.monthly_cost_usd DESC, f.account_id, f.region, f.check_id, f.resource_id
