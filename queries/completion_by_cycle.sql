-- Commitments per action-plan cycle across the selected jurisdictions: how many, assessed, complete or substantial, and that share.
-- Params: $jurisdictions, $levels, $cycles
-- One row per cycle, totalled over every jurisdiction the filters keep; pass one
-- jurisdiction to get its own series (completion_by_jurisdiction_cycle has every pair).
-- share = complete_or_substantial / assessed; null when nothing is assessed.
with filtered as (
    select
        c.jurisdiction_id,
        c.cycle,
        c.cycle_start,
        c.cycle_end,
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
        max(cycle_end) as cycle_end,
        count(distinct jurisdiction_id) as jurisdictions,
        count(*) as commitments,
        count(progress_rank) as assessed,
        count(*) filter (where progress_rank >= 2) as complete_or_substantial,
        count(*) filter (where progress_rank >= 2) / nullif(count(progress_rank), 0) as share,
        count(*) filter (where synthetic) as synthetic_rows,
    from filtered
    group by cycle
)

select * from final
order by cycle_start, cycle
