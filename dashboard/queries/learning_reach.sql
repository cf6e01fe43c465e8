-- Learning events per reporting period, jurisdiction and organizer: events, learners, organisations reached and learners per event.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- Periods are the source's own (a month "YYYY-MM", a quarter "YYYY-Qn" or a year), never
-- spread over months: period_start and period_end say what each covers. A period is kept when
-- its start falls in [$date_from, $date_to]; null leaves that end open. organisations is
-- null when no row says; learners_per_event is null when there were no events.
-- Reads the learning_by_period rollup (one row per period, jurisdiction and organizer).
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

final as (
    select
        r.period,
        r.period_start,
        r.period_end,
        r.jurisdiction_id,
        j.name_en as jurisdiction_name_en,
        j.name_fr as jurisdiction_name_fr,
        r.level,
        r.organizer,
        r.events,
        r.learners,
        r.organisations,
        r.learners / nullif(r.events, 0) as learners_per_event,
        r.synthetic_rows,
    from learning_by_period as r
    cross join params as p
    left join jurisdictions as j
        on j.jurisdiction_id = r.jurisdiction_id
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level)
        and in_date_range(r.period_start, p.date_from, p.date_to)
)

select * from final
order by period_start, period_end, jurisdiction_id, organizer
