-- Learning events totalled per jurisdiction: events, learners, organisations, organizers and learners per event; most learners first.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- A row is kept when its period starts in [$date_from, $date_to]; null leaves that end open.
-- organisations is null when no row says; learners_per_event is null when there were no events.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        e.jurisdiction_id,
        e.level,
        e.organizer,
        e.events,
        e.learners,
        e.organisations,
        e.synthetic_rows,
    from learning_by_period as e
    cross join params as p
    where in_filters($jurisdictions, $levels, e.jurisdiction_id, e.level)
        and in_date_range(e.period_start, p.date_from, p.date_to)
),

grouped as (
    select
        jurisdiction_id,
        any_value(level) as level,
        count(distinct organizer) as organizers,
        cast(sum(events) as bigint) as events,
        cast(sum(learners) as bigint) as learners,
        cast(sum(organisations) as bigint) as organisations,
        sum(learners) / nullif(sum(events), 0) as learners_per_event,
        cast(sum(synthetic_rows) as hugeint) as synthetic_rows,
    from filtered
    group by jurisdiction_id
),

final as (
    select
        g.jurisdiction_id,
        j.name_en as jurisdiction_name_en,
        j.name_fr as jurisdiction_name_fr,
        g.level,
        g.organizers,
        g.events,
        g.learners,
        g.organisations,
        g.learners_per_event,
        g.synthetic_rows,
    from grouped as g
    left join jurisdictions as j
        on j.jurisdiction_id = g.jurisdiction_id
)

select * from final
order by learners desc, jurisdiction_id
