-- How many commitments in the view have a status built from indicator reports, and how many of their indicators reported.
-- Params: $jurisdictions, $levels, $cycles
-- Only commitments whose indicators_total is known count (the NAP tracker's): a commitment is
-- complete only when every one of its indicators reported complete (dashboard/progress.py).
-- complete counts those; unreported counts those with no reported status at all.
with filtered as (
    select
        c.indicators_total,
        c.indicators_reported,
        c.progress,
        c.synthetic,
    from commitments as c
    left join jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
    where c.indicators_total is not null
        and in_filters($jurisdictions, $levels, c.jurisdiction_id, j.level, $cycles, c.cycle)
),

final as (
    select
        count(*) as commitments,
        cast(coalesce(sum(indicators_total), 0) as bigint) as indicators_total,
        cast(coalesce(sum(indicators_reported), 0) as bigint) as indicators_reported,
        count(*) filter (where progress = 'complete') as complete,
        count(*) filter (where progress is null) as unreported,
        count(*) filter (where synthetic) as synthetic_rows,
    from filtered
)

select * from final
