-- How many milestones need attention on $as_of, per reason (overdue, stalled, due_soon): the counts of overdue_milestones without its rows.
-- Params: $as_of, $stale_periods, $horizon_days, $jurisdictions, $levels, $cycles
-- The reasons and filters are overdue_milestones' own (see there); a reason no milestone has
-- is absent. Reads the milestones_attention rollup, so counting costs no scan of the milestones.
with params as (
    select
        cast($as_of as date) as as_of,
        cast($stale_periods as integer) as stale_periods,
        cast($horizon_days as integer) as horizon_days,
),

classified as (
    select
        case
            when r.due_date < p.as_of
                and coalesce(r.progress_rank, -1) < 3
                then 'overdue'
            when r.periods_unchanged >= p.stale_periods
                and coalesce(r.progress_rank, -1) < 3
                then 'stalled'
            when r.due_date >= p.as_of
                and r.due_date <= p.as_of + p.horizon_days
                and coalesce(r.progress_rank, -1) < 2
                then 'due_soon'
        end as reason,
        r.milestones,
        r.synthetic_rows,
    from milestones_attention as r
    cross join params as p
    where r.progress is distinct from 'withdrawn'
        and (len($jurisdictions) = 0 or list_contains($jurisdictions, r.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, r.level))
        and (len($cycles) = 0 or list_contains($cycles, r.cycle))
),

final as (
    select
        reason,
        cast(sum(milestones) as bigint) as milestones,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from classified
    where reason is not null
    group by reason
)

select * from final
order by reason
