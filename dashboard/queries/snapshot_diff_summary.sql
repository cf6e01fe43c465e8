-- One row summing what changed between the base snapshot and this one: status changes, commitments, milestones and datasets added and removed, learners and events added.
-- Params: $jurisdictions, $levels, $cycles
-- Run with base=<snapshot id>. status_changes, milestones_added and milestones_removed count
-- the rows of snapshot_diff_status by change; commitments_added and commitments_removed those of
-- snapshot_diff_commitments; datasets_added and datasets_removed those of snapshot_diff_datasets
-- (each reads the same comparison view as those). learners_added and events_added are this
-- snapshot's totals minus the base's (negative when fewer). $cycles narrows only the milestone
-- and commitment counts.
with milestone_counts as (
    select
        count(*) filter (where change = 'changed') as status_changes,
        count(*) filter (where change = 'added') as milestones_added,
        count(*) filter (where change = 'removed') as milestones_removed,
    from milestone_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level, $cycles, cycle)
),

commitment_counts as (
    select
        count(*) filter (where change = 'added') as commitments_added,
        count(*) filter (where change = 'removed') as commitments_removed,
    from commitment_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level, $cycles, cycle)
),

dataset_counts as (
    select
        count(*) filter (where change = 'added') as datasets_added,
        count(*) filter (where change = 'removed') as datasets_removed,
    from dataset_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level)
),

learning_counts as (
    select
        cast(coalesce(sum(learners - base_learners), 0) as bigint) as learners_added,
        cast(coalesce(sum(events - base_events), 0) as bigint) as events_added,
    from learning_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level)
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
