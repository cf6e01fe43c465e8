-- How many milestones are listed on $as_of per reason (overdue, stalled, due_soon, and the neutral past_due_unreported): the counts of overdue_milestones without its rows.
-- Params: $as_of, $stale_periods, $horizon_days, $jurisdictions, $levels, $cycles
-- The reasons and filters are overdue_milestones' own (the macro attention_reason, see there); a
-- reason no milestone has is absent. past_due_unreported (no reported status, past due) is its own
-- row: it is never part of the overdue count. Reads the milestones_attention rollup, so counting
-- costs no scan of the milestones.
with params as (
    select
        cast($as_of as date) as as_of,
        cast($stale_periods as integer) as stale_periods,
        cast($horizon_days as integer) as horizon_days,
),

classified as (
    select
        attention_reason(
            r.due_date, r.progress, r.progress_rank, r.periods_unchanged,
            p.as_of, p.stale_periods, p.horizon_days
        ) as reason,
        r.milestones,
        r.synthetic_rows,
    from milestones_attention as r
    cross join params as p
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, r.cycle)
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
