-- Commitments per jurisdiction and action-plan cycle: how many, how many assessed, how many complete or substantial, and that share.
-- Params: $jurisdictions, $levels, $cycles
-- share = complete_or_substantial / assessed, where assessed means a rank on the common
-- progress scale (withdrawn, unclear and not-yet-rated commitments have none); null when
-- nothing is assessed. Empty lists mean no filter.
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

grouped as (
    select
        jurisdiction_id,
        cycle,
        min(cycle_start) as cycle_start,
        max(cycle_end) as cycle_end,
        count(*) as commitments,
        count(progress_rank) as assessed,
        count(*) filter (where progress_rank >= 2) as complete_or_substantial,
        count(*) filter (where synthetic) as synthetic_rows,
    from filtered
    group by jurisdiction_id, cycle
),

final as (
    select
        g.jurisdiction_id,
        j.name_en as jurisdiction_name_en,
        j.name_fr as jurisdiction_name_fr,
        j.level,
        g.cycle,
        g.cycle_start,
        g.cycle_end,
        g.commitments,
        g.assessed,
        g.complete_or_substantial,
        g.complete_or_substantial / nullif(g.assessed, 0) as share,
        g.synthetic_rows,
    from grouped as g
    left join jurisdictions as j
        on j.jurisdiction_id = g.jurisdiction_id
)

select * from final
order by jurisdiction_id, cycle_start, cycle
