-- Learning-event rows totalled per reporting period, jurisdiction (with its level) and organizer.
-- Params: none (a rollup: written beside the tables when a snapshot is built)
-- records counts the rows; organisations is null when no row of the group says.
select
    e.period,
    e.period_start,
    e.period_end,
    e.jurisdiction_id,
    j.level,
    e.organizer,
    count(*) as records,
    cast(sum(e.events) as bigint) as events,
    cast(sum(e.learners) as bigint) as learners,
    cast(sum(e.organisations) as bigint) as organisations,
    count(*) filter (where e.synthetic) as synthetic_rows,
from learning_events as e
left join jurisdictions as j
    on j.jurisdiction_id = e.jurisdiction_id
group by e.period, e.period_start, e.period_end, e.jurisdiction_id, j.level, e.organizer
order by e.jurisdiction_id, e.period_start, e.organizer
