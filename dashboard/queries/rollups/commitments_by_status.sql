-- Commitments counted per jurisdiction (with its level), cycle (with the plan's place in the jurisdiction's sequence), progress, IRM potential impact and source.
-- Params: none (a rollup: written beside the tables when a snapshot is built)
-- plan_number and plan_number_basis come from the action_plans rollup (how a plan is numbered is said there).
select
    c.jurisdiction_id,
    j.level,
    c.cycle,
    min(c.cycle_start) as cycle_start,
    max(c.cycle_end) as cycle_end,
    p.plan_number,
    p.plan_number_basis,
    c.progress,
    c.progress_rank,
    c.potential_impact,
    c.potential_impact_missing,
    c.source,
    count(*) as commitments,
    count(*) filter (where c.synthetic) as synthetic_rows,
from commitments as c
left join jurisdictions as j
    on j.jurisdiction_id = c.jurisdiction_id
left join action_plans as p
    on p.jurisdiction_id = c.jurisdiction_id
    and p.cycle = c.cycle
group by c.jurisdiction_id, j.level, c.cycle, p.plan_number, p.plan_number_basis, c.progress, c.progress_rank,
    c.potential_impact, c.potential_impact_missing, c.source
order by c.jurisdiction_id, c.cycle
