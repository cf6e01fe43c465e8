-- Commitments per place in the plan comparison, across the selected jurisdictions: how many, assessed, complete or substantial, and that share.
-- Params: $jurisdictions, $levels, $cycles, $align, $min_assessed
-- Plans are lined up by $align: 'year' puts together the plans that started in the same year
-- (position = start year); anything else puts together each jurisdiction's plan of the same place
-- in its own sequence (position = plan_number: every member's 1st plan, 2nd plan ...; see
-- rollups/action_plans.sql). Raw cycle labels are never compared: members' plan years differ.
-- One row per position; cycles lists the plans' labels. Pass one jurisdiction to get its own plans.
-- share = complete_or_substantial / assessed; null when nothing is assessed. low_confidence: a share
-- from fewer than $min_assessed assessed commitments (dashboard.progress.MIN_ASSESSED).
-- Reads the commitments_by_status rollup (commitments per jurisdiction, cycle, status and source).
with filtered as (
    select
        r.jurisdiction_id,
        r.cycle,
        r.cycle_start,
        r.cycle_end,
        case when $align = 'year' then r.cycle_start else r.plan_number end as position,
        r.progress_rank,
        r.source,
        r.commitments,
        r.synthetic_rows,
    from commitments_by_status as r
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, r.cycle)
),

grouped as (
    select
        position,
        min(cycle_start) as cycle_start,
        max(cycle_end) as cycle_end,
        list(distinct cycle order by cycle) as cycles,
        count(distinct jurisdiction_id) as jurisdictions,
        cast(sum(commitments) as bigint) as commitments,
        cast(coalesce(sum(commitments) filter (where progress_rank is not null), 0) as bigint) as assessed,
        cast(coalesce(sum(commitments) filter (where progress_rank >= substantial_rank()), 0) as bigint) as complete_or_substantial,
        list(distinct source order by source) as sources,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from filtered
    group by position
),

final as (
    select
        cast(position as integer) as position,
        cycle_start,
        cycle_end,
        cycles,
        jurisdictions,
        commitments,
        assessed,
        complete_or_substantial,
        complete_or_substantial / nullif(assessed, 0) as share,
        assessed > 0 and assessed < $min_assessed as low_confidence,
        sources,
        synthetic_rows,
    from grouped
)

select * from final
order by position nulls last, cycle_start
