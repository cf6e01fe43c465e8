-- Commitments counted per jurisdiction (with its level), cycle, progress and IRM potential impact.
-- Params: none (a rollup: written beside the tables when a snapshot is built)
select
    c.jurisdiction_id,
    j.level,
    c.cycle,
    min(c.cycle_start) as cycle_start,
    max(c.cycle_end) as cycle_end,
    c.progress,
    c.progress_rank,
    c.potential_impact,
    c.potential_impact_missing,
    count(*) as commitments,
    count(*) filter (where c.synthetic) as synthetic_rows,
from commitments as c
left join jurisdictions as j
    on j.jurisdiction_id = c.jurisdiction_id
group by c.jurisdiction_id, j.level, c.cycle, c.progress, c.progress_rank, c.potential_impact,
    c.potential_impact_missing
order by c.jurisdiction_id, c.cycle
