-- The commitments learning events name, per jurisdiction (with its level) and period start: one row per distinct triple.
-- Params: none (a rollup: written beside the tables when a snapshot is built)
select distinct
    e.jurisdiction_id,
    j.level,
    e.period_start,
    e.commitment_id,
from learning_events as e
left join jurisdictions as j
    on j.jurisdiction_id = e.jurisdiction_id
where e.commitment_id is not null
order by e.jurisdiction_id, e.period_start, e.commitment_id
