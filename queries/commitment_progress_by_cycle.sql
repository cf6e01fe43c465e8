-- Commitments counted by action-plan cycle and progress on the common scale; progress null means not yet assessed.
-- Params: $jurisdictions, $levels, $cycles
-- One row per (cycle, progress) that has commitments. Sum over cycles for the totals per
-- progress value (the status tiles); withdrawn and unclear have no rank and sort after the ranked.
with filtered as (
    select
        c.cycle,
        c.cycle_start,
        c.progress,
        c.progress_rank,
        c.synthetic,
    from commitments as c
    left join jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, c.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (len($cycles) = 0 or list_contains($cycles, c.cycle))
),

final as (
    select
        cycle,
        min(cycle_start) as cycle_start,
        progress,
        min(progress_rank) as progress_rank,
        count(*) as commitments,
        cast(count_if(synthetic) as bigint) as synthetic_rows,
    from filtered
    group by cycle, progress
)

select * from final
order by cycle_start, cycle, progress_rank asc nulls last, progress asc nulls last
