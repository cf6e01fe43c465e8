-- Portal metric series, one row per portal, metric and date, with the points the source flags as glitches kept and marked.
-- Params: $date_from, $date_to
-- Flagged points (is_outlier) are returned as they are, never dropped or smoothed, so the page
-- can show them as flagged. Portal metrics are not split by jurisdiction, so the jurisdiction
-- and level filters do not apply. $date_from and $date_to are inclusive; null leaves that end open.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

final as (
    select
        m.portal,
        m.metric,
        m.date,
        m.value,
        m.is_outlier,
        m.outlier_reason,
        m.synthetic,
    from portal_metrics as m
    cross join params as p
    where (p.date_from is null or m.date >= p.date_from)
        and (p.date_to is null or m.date <= p.date_to)
)

select * from final
order by portal, metric, date
