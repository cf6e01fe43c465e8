-- Milestones counted by their latest progress on the common scale and by the source's own status code and vocabulary.
-- Params: $jurisdictions, $levels, $cycles
-- Jurisdiction and cycle come from the milestone's commitment. A milestone with no status
-- yet has null progress, rank, code and vocabulary, and is counted in that null row.
-- Reads the milestones_by_status rollup (milestones per jurisdiction, cycle and status).
with filtered as (
    select
        r.progress,
        r.progress_rank,
        r.status_vocab,
        r.status_code,
        r.milestones,
        r.synthetic_rows,
    from milestones_by_status as r
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, r.cycle)
),

final as (
    select
        progress,
        progress_rank,
        status_vocab,
        status_code,
        cast(sum(milestones) as bigint) as milestones,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from filtered
    group by progress, progress_rank, status_vocab, status_code
)

select * from final
order by
    progress_rank asc nulls last,
    progress asc nulls last,
    status_vocab asc nulls last,
    status_code asc nulls last
