-- Commitments counted by place in the plan comparison and by progress on the common scale; progress null means not yet assessed.
-- Params: $jurisdictions, $levels, $cycles, $align
-- Plans are lined up by $align as in completion_by_cycle: 'year' by start year (position = start
-- year), anything else by each jurisdiction's own sequence (position = plan_number).
-- One row per (position, progress) that has commitments; cycles lists the plans' labels, and
-- jurisdictions counts those with a plan at that position (the same on every row of it). Sum over
-- positions for the totals per progress value (the status tiles); withdrawn and unclear have no
-- rank and sort after the ranked.
-- Reads the commitments_by_status rollup (commitments per jurisdiction, cycle, status and source).
with filtered as (
    select
        r.jurisdiction_id,
        r.cycle,
        r.cycle_start,
        case when $align = 'year' then r.cycle_start else r.plan_number end as position,
        r.progress,
        r.progress_rank,
        r.source,
        r.commitments,
        r.synthetic_rows,
    from commitments_by_status as r
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, r.cycle)
),

per_position as (
    select
        position,
        count(distinct jurisdiction_id) as jurisdictions,
    from filtered
    group by position
),

grouped as (
    select
        position,
        min(cycle_start) as cycle_start,
        list(distinct cycle order by cycle) as cycles,
        progress,
        min(progress_rank) as progress_rank,
        cast(sum(commitments) as bigint) as commitments,
        list(distinct source order by source) as sources,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from filtered
    group by position, progress
),

final as (
    select
        cast(g.position as integer) as position,
        g.cycle_start,
        g.cycles,
        p.jurisdictions,
        g.progress,
        g.progress_rank,
        g.commitments,
        g.sources,
        g.synthetic_rows,
    from grouped as g
    left join per_position as p
        on p.position is not distinct from g.position
)

select * from final
order by position nulls last, progress_rank asc nulls last, progress asc nulls last
