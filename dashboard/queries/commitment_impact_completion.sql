-- Commitments counted by IRM potential impact (or why it is missing: ND, NR, NA) and by progress on the common scale.
-- Params: $jurisdictions, $levels, $cycles, $statuses
-- potential_impact is the IRM value (None, Minor, Moderate, Transformative); when it is null,
-- potential_impact_missing says why (ND no data, NR not reviewed, NA not applicable), and both
-- null means nothing was recorded. progress null means not yet assessed. $statuses keeps only
-- those progress values (empty = all), so the not-assessed row appears only without it.
-- sources: the sources that gave these rows.
-- Reads the commitments_by_status rollup (commitments per jurisdiction, cycle, status and source).
with filtered as (
    select
        r.potential_impact,
        case when r.potential_impact is null then upper(r.potential_impact_missing) end as potential_impact_missing,
        r.progress,
        r.progress_rank,
        r.source,
        r.commitments,
        r.synthetic_rows,
    from commitments_by_status as r
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, r.cycle)
        and (len($statuses) = 0 or list_contains($statuses, r.progress))
),

final as (
    select
        potential_impact,
        potential_impact_missing,
        progress,
        min(progress_rank) as progress_rank,
        cast(sum(commitments) as bigint) as commitments,
        list(distinct source order by source) as sources,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from filtered
    group by potential_impact, potential_impact_missing, progress
)

select * from final
order by potential_impact nulls last, potential_impact_missing nulls last, progress_rank nulls last, progress nulls last
