-- Commitments counted by IRM potential impact (or why it is missing: ND, NR, NA) and by progress on the common scale.
-- Params: $jurisdictions, $levels, $cycles, $statuses
-- potential_impact is the IRM value (None, Minor, Moderate, Transformative); when it is null,
-- potential_impact_missing says why (ND no data, NR not reviewed, NA not applicable), and both
-- null means nothing was recorded. progress null means not yet assessed. $statuses keeps only
-- those progress values (empty = all), so the not-assessed row appears only without it.
with filtered as (
    select
        c.potential_impact,
        case when c.potential_impact is null then upper(c.potential_impact_missing) end as potential_impact_missing,
        c.progress,
        c.progress_rank,
        c.synthetic,
    from commitments as c
    left join jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, c.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (len($cycles) = 0 or list_contains($cycles, c.cycle))
        and (len($statuses) = 0 or list_contains($statuses, c.progress))
),

final as (
    select
        potential_impact,
        potential_impact_missing,
        progress,
        min(progress_rank) as progress_rank,
        count(*) as commitments,
        cast(count_if(synthetic) as bigint) as synthetic_rows,
    from filtered
    group by potential_impact, potential_impact_missing, progress
)

select * from final
order by potential_impact nulls last, potential_impact_missing nulls last, progress_rank nulls last, progress nulls last
