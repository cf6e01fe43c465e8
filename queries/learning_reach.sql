-- Learning events per reporting period, jurisdiction and organizer: events, learners, organisations reached and learners per event.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- Periods are the source's own (a month "YYYY-MM", a quarter "YYYY-Qn" or a year), never
-- spread over months: period_start and period_end say what each covers. A period is kept when
-- its start falls in [$date_from, $date_to]; null leaves that end open. organisations is
-- null when no row says; learners_per_event is null when there were no events.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        e.period,
        e.period_start,
        e.period_end,
        e.jurisdiction_id,
        j.name_en as jurisdiction_name_en,
        j.name_fr as jurisdiction_name_fr,
        j.level,
        e.organizer,
        e.events,
        e.learners,
        e.organisations,
        e.synthetic,
    from learning_events as e
    cross join params as p
    left join jurisdictions as j
        on j.jurisdiction_id = e.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, e.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (p.date_from is null or e.period_start >= p.date_from)
        and (p.date_to is null or e.period_start <= p.date_to)
),

final as (
    select
        period,
        period_start,
        period_end,
        jurisdiction_id,
        any_value(jurisdiction_name_en) as jurisdiction_name_en,
        any_value(jurisdiction_name_fr) as jurisdiction_name_fr,
        any_value(level) as level,
        organizer,
        cast(sum(events) as bigint) as events,
        cast(sum(learners) as bigint) as learners,
        cast(sum(organisations) as bigint) as organisations,
        sum(learners) / nullif(sum(events), 0) as learners_per_event,
        count(*) filter (where synthetic) as synthetic_rows,
    from filtered
    group by period, period_start, period_end, jurisdiction_id, organizer
)

select * from final
order by period_start, period_end, jurisdiction_id, organizer
