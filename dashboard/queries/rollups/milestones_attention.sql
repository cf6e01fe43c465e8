-- Milestones counted by what decides whether they need attention: their commitment's jurisdiction (with its level) and cycle, due date, progress and unchanged run.
-- Params: none (a rollup: written beside the tables when a snapshot is built, read by attention_counts)
-- periods_unchanged is the milestone_runs value (null: no reported status).
select
    c.jurisdiction_id,
    j.level,
    c.cycle,
    m.due_date,
    m.progress,
    m.progress_rank,
    r.periods_unchanged,
    count(*) as milestones,
    count(*) filter (where m.synthetic) as synthetic_rows,
from milestones as m
left join commitments as c
    on c.commitment_id = m.commitment_id
left join jurisdictions as j
    on j.jurisdiction_id = c.jurisdiction_id
left join milestone_runs as r
    on r.milestone_id = m.milestone_id
group by c.jurisdiction_id, j.level, c.cycle, m.due_date, m.progress, m.progress_rank, r.periods_unchanged
order by c.jurisdiction_id, c.cycle, m.due_date
