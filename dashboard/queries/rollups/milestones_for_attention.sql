-- Every milestone that may need attention (not withdrawn, not complete), with what overdue_milestones needs already joined: its commitment's jurisdiction (and level, names), cycle and title, and its unchanged run.
-- Params: none (a rollup: written beside the tables when a snapshot is built, read by overdue_milestones)
-- The joins over every milestone (a quarter of a second at world scale on one thread) are made
-- once per snapshot; the query only decides the reason against its $as_of and keeps the rows.
-- periods_unchanged and latest_period are the milestone_runs values (null: no reported status).
-- Complete and withdrawn milestones are left out: no reason of attention_reason (dashboard/progress.py)
-- applies to them, and at world scale they are more than half of the milestones. A milestone with no
-- reported status stays: past due, it is listed as past due with no status reported.
select
    m.milestone_id,
    m.commitment_id,
    c.jurisdiction_id,
    j.name_en as jurisdiction_name_en,
    j.name_fr as jurisdiction_name_fr,
    j.level,
    c.cycle,
    m.title_en,
    m.title_fr,
    c.title_en as commitment_title_en,
    c.title_fr as commitment_title_fr,
    m.due_date,
    m.progress,
    m.progress_rank,
    m.status_code,
    m.status_vocab,
    m.indicators_total,
    m.indicators_reported,
    r.latest_period,
    r.periods_unchanged,
    m.synthetic,
from milestones as m
left join commitments as c
    on c.commitment_id = m.commitment_id
left join jurisdictions as j
    on j.jurisdiction_id = c.jurisdiction_id
left join milestone_runs as r
    on r.milestone_id = m.milestone_id
where m.progress is distinct from 'withdrawn'
    and coalesce(m.progress_rank, -1) < complete_rank()
order by c.jurisdiction_id, c.cycle, m.due_date, m.milestone_id
