-- Milestones counted by their latest progress on the common scale and by the source's own status code and vocabulary.
-- Params: $jurisdictions, $levels, $cycles
-- Jurisdiction and cycle come from the milestone's commitment. A milestone with no status
-- yet has null progress, rank, code and vocabulary, and is counted in that null row.
with filtered as (
    select
        m.progress,
        m.progress_rank,
        m.status_vocab,
        m.status_code,
        m.synthetic,
    from milestones as m
    left join commitments as c
        on c.commitment_id = m.commitment_id
    left join jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, c.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (len($cycles) = 0 or list_contains($cycles, c.cycle))
),

final as (
    select
        progress,
        progress_rank,
        status_vocab,
        status_code,
        count(*) as milestones,
        count(*) filter (where synthetic) as synthetic_rows,
    from filtered
    group by progress, progress_rank, status_vocab, status_code
)

select * from final
order by
    progress_rank asc nulls last,
    progress asc nulls last,
    status_vocab asc nulls last,
    status_code asc nulls last
