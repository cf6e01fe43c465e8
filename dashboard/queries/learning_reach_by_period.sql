-- Learning events per reporting period, totalled over the selected jurisdictions and organizers: events, learners, organisations and learners per event.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- Periods are the source's own (month, quarter or year), as in learning_reach. A period is
-- kept when its start falls in [$date_from, $date_to]; null leaves that end open.
-- Reads the learning_by_period rollup (one row per period, jurisdiction and organizer).
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        r.period,
        r.period_start,
        r.period_end,
        r.jurisdiction_id,
        r.organizer,
        r.events,
        r.learners,
        r.organisations,
        r.synthetic_rows,
    from learning_by_period as r
    cross join params as p
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level)
        and in_date_range(r.period_start, p.date_from, p.date_to)
),

final as (
    select
        period,
        period_start,
        period_end,
        count(distinct jurisdiction_id) as jurisdictions,
        count(distinct organizer) as organizers,
        cast(sum(events) as bigint) as events,
        cast(sum(learners) as bigint) as learners,
        cast(sum(organisations) as bigint) as organisations,
        sum(learners) / nullif(sum(events), 0) as learners_per_event,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from filtered
    group by period, period_start, period_end
)

select * from final
order by period_start, period_end
