-- Commitments counted by action-plan cycle and progress on the common scale; progress null means not yet assessed.
-- Params: $jurisdictions, $levels, $cycles
-- One row per (cycle, progress) that has commitments. Sum over cycles for the totals per
-- progress value (the status tiles); withdrawn and unclear have no rank and sort after the ranked.
-- Reads the commitments_by_status rollup (commitments per jurisdiction, cycle and status).
with filtered as (
    select
        r.cycle,
        r.cycle_start,
        r.progress,
        r.progress_rank,
        r.commitments,
        r.synthetic_rows,
    from commitments_by_status as r
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, r.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, r.level))
        and (len($cycles) = 0 or list_contains($cycles, r.cycle))
),

final as (
    select
        cycle,
        min(cycle_start) as cycle_start,
        progress,
        min(progress_rank) as progress_rank,
        cast(sum(commitments) as bigint) as commitments,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from filtered
    group by cycle, progress
)

select * from final
order by cycle_start, cycle, progress_rank asc nulls last, progress asc nulls last
