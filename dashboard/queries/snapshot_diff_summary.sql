-- One row summing what changed between the base snapshot and this one: status changes, commitments, milestones and datasets added and removed, learners and events added.
-- Params: $jurisdictions, $levels, $cycles
-- Run with base=<snapshot id>. status_changes, milestones_added and milestones_removed count
-- the rows of snapshot_diff_status by change; commitments_added and commitments_removed those of
-- snapshot_diff_commitments; datasets_added and datasets_removed those of snapshot_diff_datasets.
-- learners_added and events_added are this snapshot's totals minus the base's (negative when
-- fewer). $cycles narrows only the milestone and commitment counts.
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

milestone_changes as (
    select
        case
            when b.milestone_id is null then 'added'
            when m.milestone_id is null then 'removed'
            else 'changed'
        end as change,
        c.jurisdiction_id,
        j.level,
        c.cycle,
    from milestones as m
    full outer join base.milestones as b
        on b.milestone_id = m.milestone_id
    left join all_commitments as c
        on c.commitment_id = coalesce(m.commitment_id, b.commitment_id)
    left join all_jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
    where m.milestone_id is null
        or b.milestone_id is null
        or m.progress is distinct from b.progress
        or m.progress_rank is distinct from b.progress_rank
        or m.status_vocab is distinct from b.status_vocab
        or lower(m.status_code) is distinct from lower(b.status_code)
),

dataset_changes as (
    select
        case when b.dataset_id is null then 'added' else 'removed' end as change,
        coalesce(d.jurisdiction_id, b.jurisdiction_id) as jurisdiction_id,
    from datasets as d
    full outer join base.datasets as b
        on b.portal = d.portal
        and b.dataset_id = d.dataset_id
    where d.dataset_id is null
        or b.dataset_id is null
),

learning as (
    select
        1 as sign,
        e.jurisdiction_id,
        e.events,
        e.learners,
    from learning_events as e
    union all
    select
        -1 as sign,
        b.jurisdiction_id,
        b.events,
        b.learners,
    from base.learning_events as b
),

commitment_changes as (
    select
        case when b.commitment_id is null then 'added' else 'removed' end as change,
        coalesce(c.jurisdiction_id, b.jurisdiction_id) as jurisdiction_id,
        coalesce(c.cycle, b.cycle) as cycle,
    from commitments as c
    full outer join base.commitments as b
        on b.commitment_id = c.commitment_id
    where c.commitment_id is null
        or b.commitment_id is null
),

commitment_counts as (
    select
        count(*) filter (where x.change = 'added') as commitments_added,
        count(*) filter (where x.change = 'removed') as commitments_removed,
    from commitment_changes as x
    left join all_jurisdictions as j
        on j.jurisdiction_id = x.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, x.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (len($cycles) = 0 or list_contains($cycles, x.cycle))
),

milestone_counts as (
    select
        count(*) filter (where change = 'changed') as status_changes,
        count(*) filter (where change = 'added') as milestones_added,
        count(*) filter (where change = 'removed') as milestones_removed,
    from milestone_changes
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, level))
        and (len($cycles) = 0 or list_contains($cycles, cycle))
),

dataset_counts as (
    select
        count(*) filter (where x.change = 'added') as datasets_added,
        count(*) filter (where x.change = 'removed') as datasets_removed,
    from dataset_changes as x
    left join all_jurisdictions as j
        on j.jurisdiction_id = x.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, x.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
),

learning_counts as (
    select
        cast(coalesce(sum(l.sign * l.learners), 0) as bigint) as learners_added,
        cast(coalesce(sum(l.sign * l.events), 0) as bigint) as events_added,
    from learning as l
    left join all_jurisdictions as j
        on j.jurisdiction_id = l.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, l.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
),

final as (
    select
        m.status_changes,
        m.milestones_added,
        m.milestones_removed,
        c.commitments_added,
        c.commitments_removed,
        d.datasets_added,
        d.datasets_removed,
        l.learners_added,
        l.events_added,
    from milestone_counts as m
    cross join commitment_counts as c
    cross join dataset_counts as d
    cross join learning_counts as l
)

select * from final
