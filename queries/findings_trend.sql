-- name: findings_trend
-- description: Findings, idle (flagged) resources and their estimated monthly cost per run and check, oldest run first.
SELECT
    f.dt,
    f.run_id,
    f.check_id,
    COUNT(*) AS findings,
    SUM(CASE WHEN f.verdict = 'flagged' THEN 1 ELSE 0 END) AS idle_resources,
    ROUND(SUM(CASE WHEN f.verdict = 'flagged' THEN f.monthly_cost_usd ELSE 0 END), 2) AS monthly_cost_usd
FROM findings AS f
GROUP BY f.dt, f.run_id, f.check_id
ORDER BY f.dt, f.run_id, f.check_id
