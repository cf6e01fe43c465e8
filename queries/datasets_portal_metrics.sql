-- Portal metric series, one row per portal, metric and point in time, with the points the source flags as glitches kept and marked.
-- Params: $date_from, $date_to
-- Flagged points (is_outlier) are returned as they are, never dropped or smoothed, so the page
-- can show them as flagged. Where a series spans more than a year its unflagged days are thinned to one
-- point a week, and where it spans more than three years to one point a month (the bucket's last value:
-- the metrics are running totals and levels), so a chart of years of daily data stays small (about a
-- hundred points a line at most for a decade); `days` says how many days a point stands for. Portal metrics
-- are not split by jurisdiction, so the jurisdiction and level filters do not apply.
-- $date_from and $date_to are inclusive; null leaves that end open.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

in_range as (
    select
        m.*,
    from portal_metrics as m
    cross join params as p
    where (p.date_from is null or m.date >= p.date_from)
        and (p.date_to is null or m.date <= p.date_to)
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
    from in_range
    group by portal, metric
),

flagged as (
    select
        r.portal,
        r.metric,
        r.date,
        r.value,
        r.is_outlier,
        r.outlier_reason,
        r.synthetic,
        1 as days,
    from in_range as r
    where r.is_outlier
),

unflagged as (
    select
        r.portal,
        r.metric,
        case s.bucket_size
            when 'month' then cast(date_trunc('month', r.date) as date)
            when 'week' then cast(date_trunc('week', r.date) as date)
            else r.date
        end as bucket,
        r.date,
        r.value,
        r.synthetic,
    from in_range as r
    inner join span as s
        on s.portal = r.portal
        and s.metric = r.metric
    where not r.is_outlier
),

thinned as (
    select
        u.portal,
        u.metric,
        max(u.date) as date,
        arg_max(u.value, u.date) as value,
        false as is_outlier,
        cast(null as varchar) as outlier_reason,
        bool_or(u.synthetic) as synthetic,
        count(*) as days,
    from unflagged as u
    group by u.portal, u.metric, u.bucket
),

final as (
    select * from flagged
    union all
    select * from thinned
)

select * from final
order by portal, metric, date
