-- Milestones whose latest status differs between the base snapshot and this one, or that only one of them has: the status before and after.
-- Params: none (a comparison view: defined when a snapshot is compared with a base; base.<table> is the base's)
-- change is 'changed', 'added' (from_* null) or 'removed' (to_* null). A status differs when its
-- progress, rank, vocabulary or code (compared case-insensitively) differs. Jurisdiction (with its
-- names and level) and cycle come from this snapshot's commitment, else the base's when the
-- commitment is gone. synthetic: either snapshot's row is synthetic.
with changes as (
    select
        case
            when b.milestone_id is null then 'added'
            when m.milestone_id is null then 'removed'
            else 'changed'
        end as change,
        coalesce(m.milestone_id, b.milestone_id) as milestone_id,
        coalesce(m.commitment_id, b.commitment_id) as commitment_id,
        coalesce(m.title_en, b.title_en) as title_en,
        coalesce(m.title_fr, b.title_fr) as title_fr,
        b.progress as from_progress,
        b.progress_rank as from_rank,
        b.status_code as from_status_code,
        b.status_vocab as from_status_vocab,
        m.progress as to_progress,
        m.progress_rank as to_rank,
        m.status_code as to_status_code,
        m.status_vocab as to_status_vocab,
        coalesce(m.synthetic, false) or coalesce(b.synthetic, false) as synthetic,
    from milestones as m
    full outer join base.milestones as b
        on b.milestone_id = m.milestone_id
    where m.milestone_id is null
        or b.milestone_id is null
        or m.progress is distinct from b.progress
        or m.progress_rank is distinct from b.progress_rank
        or m.status_vocab is distinct from b.status_vocab
        or lower(m.status_code) is distinct from lower(b.status_code)
)

select *
from changes
left join compared_commitments using (commitment_id)
left join compared_jurisdictions using (jurisdiction_id)
