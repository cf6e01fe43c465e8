-- Milestones whose latest status differs between the base snapshot and this one, with the status before and after, plus milestones added and removed.
-- Params: $jurisdictions, $levels, $cycles
-- Run with base=<snapshot id>: base.<table> is the earlier snapshot. change is 'changed',
-- 'added' (from_* null) or 'removed' (to_* null). A status differs when its progress, rank,
-- vocabulary or code (compared case-insensitively) differs. rank_change = to_rank - from_rank,
-- null when either has no rank. Jurisdiction, level and cycle come from this snapshot's
-- commitment, else the base's when the commitment is gone.
with all_jurisdictions as (
    select
        jurisdiction_id,
        level,
    from jurisdictions
    union all
    select
        b.jurisdiction_id,
        b.level,
    from base.jurisdictions as b
    where b.jurisdiction_id not in (select jurisdiction_id from jurisdictions)
),

all_commitments as (
    select
        commitment_id,
        jurisdiction_id,
        cycle,
    from commitments
    union all
    select
        b.commitment_id,
        b.jurisdiction_id,
        b.cycle,
    from base.commitments as b
    where b.commitment_id not in (select commitment_id from commitments)
),

changes as (
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
),

final as (
    select
        x.change,
        x.milestone_id,
        x.commitment_id,
        c.jurisdiction_id,
        x.title_en,
        x.title_fr,
        x.from_progress,
        x.from_rank,
        x.from_status_code,
        x.from_status_vocab,
        x.to_progress,
        x.to_rank,
        x.to_status_code,
        x.to_status_vocab,
        x.to_rank - x.from_rank as rank_change,
        x.synthetic,
    from changes as x
    left join all_commitments as c
        on c.commitment_id = x.commitment_id
    left join all_jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, c.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (len($cycles) = 0 or list_contains($cycles, c.cycle))
)

select * from final
order by commitment_id, milestone_id
