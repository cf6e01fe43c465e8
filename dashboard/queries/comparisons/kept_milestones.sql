-- Milestones both snapshots have, with each snapshot's due date and status: what "became overdue" is judged on.
-- Params: none (a comparison view: defined when a snapshot is compared with a base; base.<table> is the base's)
-- base_* are the base snapshot's values, the others this snapshot's. Jurisdiction (with its names and
-- level), cycle and commitment_progress come from this snapshot's commitment (compared_commitments).
-- synthetic: either snapshot's row is synthetic.
with kept as (
    select
        m.milestone_id,
        m.commitment_id,
        m.title_en,
        m.title_fr,
        b.due_date as base_due_date,
        b.progress as base_progress,
        m.due_date,
        m.progress,
        m.progress_rank,
        m.status_code,
        m.status_vocab,
        m.synthetic or b.synthetic as synthetic,
    from milestones as m
    inner join base.milestones as b
        on b.milestone_id = m.milestone_id
)

select *
from kept
left join compared_commitments using (commitment_id)
left join compared_jurisdictions using (jurisdiction_id)
