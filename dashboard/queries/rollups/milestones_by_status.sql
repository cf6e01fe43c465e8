-- Milestones counted per their commitment's jurisdiction (with its level) and cycle, and their latest status.
-- Params: none (a rollup: written beside the tables when a snapshot is built)
select
    c.jurisdiction_id,
    j.level,
    c.cycle,
    m.progress,
    m.progress_rank,
    m.status_vocab,
    m.status_code,
    count(*) as milestones,
    count(*) filter (where m.synthetic) as synthetic_rows,
from milestones as m
left join commitments as c
    on c.commitment_id = m.commitment_id
left join jurisdictions as j
    on j.jurisdiction_id = c.jurisdiction_id
group by c.jurisdiction_id, j.level, c.cycle, m.progress, m.progress_rank, m.status_vocab, m.status_code
order by c.jurisdiction_id, c.cycle
