-- Learning-event rows that name a commitment, totalled per commitment, jurisdiction (with its level), organizer, event type and period.
-- Params: none (a rollup: written beside the tables when a snapshot is built, read by training_linked_commitments)
-- event_type null is grouped as ''. organisations is null when no row of the group says. cycle is the
-- commitment's (null when the commitment is not in the snapshot), so the cycle filter needs no join.
select
    e.commitment_id,
    e.jurisdiction_id,
    j.level,
    e.organizer,
    coalesce(e.event_type, '') as event_type,
    e.period,
    e.period_start,
    e.period_end,
    c.cycle,
    cast(sum(e.events) as bigint) as events,
    cast(sum(e.learners) as bigint) as learners,
    cast(sum(e.organisations) as bigint) as organisations,
    count(*) filter (where e.synthetic) as synthetic_rows,
from learning_events as e
left join jurisdictions as j
    on j.jurisdiction_id = e.jurisdiction_id
left join commitments as c
    on c.commitment_id = e.commitment_id
where e.commitment_id is not null
group by e.commitment_id, e.jurisdiction_id, j.level, e.organizer, coalesce(e.event_type, ''), e.period, e.period_start,
    e.period_end, c.cycle
order by e.commitment_id, e.period_start
