-- Per milestone with reported statuses: its latest reporting period and for how many of its latest periods the status has not changed.
-- Params: none (a rollup: written beside the tables when a snapshot is built, read by overdue_milestones)
-- periods_unchanged counts the milestone's latest reporting periods that show the status of its
-- latest one. Sources that report per indicator are read per indicator, and the milestone takes
-- the fewest among the indicators reported in its latest period.
with history as (
    select
        milestone_id,
        coalesce(indicator_id, '') as series_id,
        period_date,
        reporting_period,
        status_vocab || ':' || lower(status_code) as status_key,
        row_number() over (
            partition by milestone_id, coalesce(indicator_id, '')
            order by period_date desc
        ) as periods_back,
        first_value(status_vocab || ':' || lower(status_code)) over (
            partition by milestone_id, coalesce(indicator_id, '')
            order by period_date desc
        ) as latest_status_key,
        max(period_date) over (partition by milestone_id) as milestone_latest_date,
        max(period_date) over (partition by milestone_id, coalesce(indicator_id, '')) as series_latest_date,
    from milestone_status
),

series_runs as (
    select
        milestone_id,
        series_id,
        coalesce(
            min(periods_back) filter (where status_key is distinct from latest_status_key) - 1,
            count(*)
        ) as periods_unchanged,
    from history
    where series_latest_date = milestone_latest_date
    group by milestone_id, series_id
),

final as (
    select
        r.milestone_id,
        min(r.periods_unchanged) as periods_unchanged,
        any_value(h.reporting_period) as latest_period,
    from series_runs as r
    inner join history as h
        on h.milestone_id = r.milestone_id
        and h.series_id = r.series_id
        and h.periods_back = 1
    group by r.milestone_id
)

select * from final
order by milestone_id
