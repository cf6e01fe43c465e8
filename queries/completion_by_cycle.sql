-- Commitments per action-plan cycle across the selected jurisdictions: how many, assessed, complete or substantial, and that share.
-- Params: $jurisdictions, $levels, $cycles
-- One row per cycle, totalled over every jurisdiction the filters keep; pass one
-- jurisdiction to get its own series (completion_by_jurisdiction_cycle has every pair).
-- share = complete_or_substantial / assessed; null when nothing is assessed.
-- Reads the commitments_by_status rollup (commitments per jurisdiction, cycle and status).
with filtered as (
    select
        r.jurisdiction_id,
        r.cycle,
        r.cycle_start,
        r.cycle_end,
        r.progress_rank,
        r.commitments,
        r.synthetic_rows,
    from commitments_by_status as r
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, r.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, r.level))
        and (len($cycles) = 0 or list_contains($cycles, r.cycle))
),

grouped as (
    select
        cycle,
        min(cycle_start) as cycle_start,
        max(cycle_end) as cycle_end,
        count(distinct jurisdiction_id) as jurisdictions,
        cast(sum(commitments) as bigint) as commitments,
        cast(coalesce(sum(commitments) filter (where progress_rank is not null), 0) as bigint) as assessed,
        cast(coalesce(sum(commitments) filter (where progress_rank >= 2), 0) as bigint) as complete_or_substantial,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from filtered
    group by cycle
),

final as (
    select
        cycle,
        cycle_start,
        cycle_end,
        jurisdictions,
        commitments,
        assessed,
        complete_or_substantial,
        complete_or_substantial / nullif(assessed, 0) as share,
        synthetic_rows,
    from grouped
)

select * from final
order by cycle_start, cycle
