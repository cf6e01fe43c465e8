-- Commitments per jurisdiction and action plan: how many, how many assessed, how many complete or substantial, and that share.
-- Params: $jurisdictions, $levels, $cycles, $min_assessed
-- One row per jurisdiction's action plan (cycle), with the plan's place in that jurisdiction's own
-- sequence (plan_number, and whether a source states it or it is counted: see rollups/action_plans.sql).
-- share = complete_or_substantial / assessed, where assessed means a rank on the common
-- progress scale (withdrawn, unclear and not-yet-rated commitments have none); null when
-- nothing is assessed. low_confidence: a share from fewer than $min_assessed assessed commitments
-- (dashboard.progress.MIN_ASSESSED). sources: the sources that gave these rows. Empty lists mean no filter.
-- Reads the commitments_by_status rollup (commitments per jurisdiction, cycle, status and source).
with filtered as (
    select
        r.jurisdiction_id,
        r.cycle,
        r.cycle_start,
        r.cycle_end,
        r.plan_number,
        r.plan_number_basis,
        r.progress_rank,
        r.source,
        r.commitments,
        r.synthetic_rows,
    from commitments_by_status as r
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, r.cycle)
),

grouped as (
    select
        jurisdiction_id,
        cycle,
        min(cycle_start) as cycle_start,
        max(cycle_end) as cycle_end,
        min(plan_number) as plan_number,
        min(plan_number_basis) as plan_number_basis,
        cast(sum(commitments) as bigint) as commitments,
        cast(coalesce(sum(commitments) filter (where progress_rank is not null), 0) as bigint) as assessed,
        cast(coalesce(sum(commitments) filter (where progress_rank >= substantial_rank()), 0) as bigint) as complete_or_substantial,
        list(distinct source order by source) as sources,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
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
        g.plan_number,
        g.plan_number_basis,
        g.commitments,
        g.assessed,
        g.complete_or_substantial,
        g.complete_or_substantial / nullif(g.assessed, 0) as share,
        g.assessed > 0 and g.assessed < $min_assessed as low_confidence,
        g.sources,
        g.synthetic_rows,
    from grouped as g
    left join jurisdictions as j
        on j.jurisdiction_id = g.jurisdiction_id
)

select * from final
order by jurisdiction_id, cycle_start, cycle
