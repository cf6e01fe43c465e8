-- Milestones counted by their status in the base snapshot and in this one (from -> to), for those whose status changed, appeared or went.
-- Params: $jurisdictions, $levels, $cycles
-- Run with base=<snapshot id>. Built on the same comparison as snapshot_diff_status: change
-- is 'changed', 'added' (from_progress null) or 'removed' (to_progress null). A status with no
-- progress on the common scale keeps a null progress and counts in its own row.
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
        coalesce(m.commitment_id, b.commitment_id) as commitment_id,
        b.progress as from_progress,
        b.progress_rank as from_rank,
        m.progress as to_progress,
        m.progress_rank as to_rank,
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

filtered as (
    select
        x.*,
    from changes as x
    left join all_commitments as c
        on c.commitment_id = x.commitment_id
    left join all_jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, c.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (len($cycles) = 0 or list_contains($cycles, c.cycle))
),

final as (
    select
        change,
        from_progress,
        any_value(from_rank) as from_rank,
        to_progress,
        any_value(to_rank) as to_rank,
        count(*) as milestones,
        count_if(synthetic) as synthetic_rows,
    from filtered
    group by change, from_progress, to_progress
)

select * from final
order by milestones desc, change, from_progress nulls first, to_progress nulls last
