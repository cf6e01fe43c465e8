-- Portal metric series, one row per portal, metric and point in time, with the points the source flags as glitches kept and marked.
-- Params: $date_from, $date_to
-- Flagged points (is_outlier) are returned as they are, never dropped or smoothed, so the page
-- can show them as flagged. Where a series spans more than a year its unflagged days are thinned to one
-- point a week, and where it spans more than three years to one point a month (the bucket's last value:
-- the metrics are running totals and levels), so a chart of years of daily data stays small (about a
-- hundred points a line at most for a decade); `days` says how many days a point stands for. Portal metrics
-- are not split by jurisdiction, so the jurisdiction and level filters do not apply.
-- $date_from and $date_to are inclusive; null leaves that end open.
-- The table is read twice rather than materialized (cheaper): once for each series' span, then
-- each row goes to its bucket (a flagged day is a bucket of its own) and each bucket
-- keeps its last day and value.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

span as (
    select
        portal,
        metric,
        case
            when max(date) - min(date) > 1096 then 'month'
            when max(date) - min(date) > 366 then 'week'
            else 'day'
        end as bucket_size,
    from portal_metrics as m
    cross join params as p
    where in_date_range(m.date, p.date_from, p.date_to)
    group by portal, metric
),

bucketed as (
    select
        r.portal,
        r.metric,
        r.date,
        r.value,
        r.is_outlier,
        r.outlier_reason,
        r.synthetic,
        case
            when r.is_outlier then r.date
            when s.bucket_size = 'month' then cast(date_trunc('month', r.date) as date)
            when s.bucket_size = 'week' then cast(date_trunc('week', r.date) as date)
            else r.date
        end as bucket,
    from portal_metrics as r
    cross join params as p
    inner join span as s
        on s.portal = r.portal
        and s.metric = r.metric
    where in_date_range(r.date, p.date_from, p.date_to)
),

final as (
    select
        portal,
        metric,
        max(date) as date,
        arg_max(value, date) as value,
        is_outlier,
        any_value(outlier_reason) as outlier_reason,
        bool_or(synthetic) as synthetic,
        count(*) as days,
    from bucketed
    group by portal, metric, is_outlier, bucket
)

select * from final
order by portal, metric, date
