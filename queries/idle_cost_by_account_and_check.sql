-- name: idle_cost_by_account_and_check
-- description: Idle (flagged) resources and their estimated monthly cost per account and check, latest run.
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
    f.check_id,
    COUNT(*) AS idle_resources,
    ROUND(SUM(f.monthly_cost_usd), 2) AS monthly_cost_usd
FROM findings AS f
JOIN latest AS l ON f.dt = l.dt AND f.run_id = l.run_id
WHERE f.verdict = 'flagged'
GROUP BY f.account_id, f.account_name, f.check_id
ORDER BY monthly_cost_usd DESC, f.account_id, f.check_id
