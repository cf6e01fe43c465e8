-- What changed between the base snapshot and this one for the change feed, one row per entry: status changes, milestones that became overdue, commitments added or removed, datasets published.
-- Params: $jurisdictions, $levels, $cycles, $statuses, $commitment_id, $as_of, $base_as_of, $released_since, $limit
-- Run with base=<snapshot id> (the previous snapshot). kind is one of:
--   status     a commitment (record 'commitment') or milestone (record 'milestone') both snapshots
--              have, whose status differs (commitment_status_changes, milestone_changes)
--   overdue    a milestone both snapshots have that is overdue on $as_of (this snapshot's day) and
--              was not on $base_as_of (the base's): the macro past_due_state, so a milestone with no
--              reported status is never overdue (kept_milestones)
--   added      a commitment only this snapshot has; removed: one only the base has (commitment_changes)
--   published  a dataset only this snapshot has, released on or after $released_since, not part of a
--              catalogue load (the macro counts_as_release; dashboard/releases.py) (dataset_changes)
-- Filters: jurisdiction and level for every row; cycle and $statuses (the commitment's progress in
-- this snapshot, else the base's) for commitments and milestones, and for a dataset through the
-- commitment it is linked to (a dataset linked to none has neither: it is kept only when no cycle and
-- no status is chosen). $commitment_id null = every record; else that commitment, its milestones and
-- the datasets linked to it. $limit null = all rows.
with params as (
    select
        cast($as_of as date) as as_of,
        cast($base_as_of as date) as base_as_of,
        cast($released_since as date) as released_since,
        cast($commitment_id as varchar) as commitment_id,
),

commitment_status as (
    select
        'status' as kind,
        'commitment' as record,
        s.commitment_id as record_id,
        s.commitment_id,
        s.jurisdiction_id,
        s.jurisdiction_name_en,
        s.jurisdiction_name_fr,
        s.cycle,
        s.title_en,
        s.title_fr,
        s.from_progress,
        s.from_status_code,
        s.to_progress,
        s.to_status_code,
        s.to_status_vocab as status_vocab,
        s.synthetic,
    from commitment_status_changes as s
    cross join params as p
    where in_filters($jurisdictions, $levels, s.jurisdiction_id, s.level, $cycles, s.cycle)
        and (len($statuses) = 0 or list_contains($statuses, s.to_progress))
        and (p.commitment_id is null or s.commitment_id = p.commitment_id)
),

milestone_status as (
    select
        'status' as kind,
        'milestone' as record,
        s.milestone_id as record_id,
        s.commitment_id,
        s.jurisdiction_id,
        s.jurisdiction_name_en,
        s.jurisdiction_name_fr,
        s.cycle,
        s.title_en,
        s.title_fr,
        s.from_progress,
        s.from_status_code,
        s.to_progress,
        s.to_status_code,
        coalesce(s.to_status_vocab, s.from_status_vocab) as status_vocab,
        s.synthetic,
    from milestone_changes as s
    cross join params as p
    where s.change = 'changed'
        and in_filters($jurisdictions, $levels, s.jurisdiction_id, s.level, $cycles, s.cycle)
        and (len($statuses) = 0 or list_contains($statuses, s.commitment_progress))
        and (p.commitment_id is null or s.commitment_id = p.commitment_id)
),

became_overdue as (
    select
        'overdue' as kind,
        'milestone' as record,
        k.milestone_id as record_id,
        k.commitment_id,
        k.jurisdiction_id,
        k.jurisdiction_name_en,
        k.jurisdiction_name_fr,
        k.cycle,
        k.title_en,
        k.title_fr,
        k.progress as to_progress,
        k.status_code as to_status_code,
        k.status_vocab,
        k.due_date,
        k.synthetic,
    from kept_milestones as k
    cross join params as p
    where past_due_state(k.due_date, k.progress, p.as_of) = 'overdue'
        and past_due_state(k.base_due_date, k.base_progress, p.base_as_of) is distinct from 'overdue'
        and in_filters($jurisdictions, $levels, k.jurisdiction_id, k.level, $cycles, k.cycle)
        and (len($statuses) = 0 or list_contains($statuses, k.commitment_progress))
        and (p.commitment_id is null or k.commitment_id = p.commitment_id)
),

commitments_in_or_out as (
    select
        c.change as kind,
        'commitment' as record,
        c.commitment_id as record_id,
        c.commitment_id,
        c.jurisdiction_id,
        c.jurisdiction_name_en,
        c.jurisdiction_name_fr,
        c.cycle,
        c.title_en,
        c.title_fr,
        c.progress as to_progress,
        c.synthetic,
    from commitment_changes as c
    cross join params as p
    where in_filters($jurisdictions, $levels, c.jurisdiction_id, c.level, $cycles, c.cycle)
        and (len($statuses) = 0 or list_contains($statuses, c.progress))
        and (p.commitment_id is null or c.commitment_id = p.commitment_id)
),

datasets_published as (
    select
        'published' as kind,
        'dataset' as record,
        d.portal || '/' || d.dataset_id as record_id,
        d.commitment_id,
        d.jurisdiction_id,
        d.jurisdiction_name_en,
        d.jurisdiction_name_fr,
        d.title_en,
        d.title_fr,
        d.portal,
        d.published,
        d.synthetic,
    from dataset_changes as d
    cross join params as p
    left join compared_commitments as c
        on c.commitment_id = d.commitment_id
    where d.change = 'added'
        and d.published is not null
        and in_date_range(d.published, p.released_since, null)
        and counts_as_release(coalesce(d.catalogue_load, false), p.released_since, null)
        and in_filters($jurisdictions, $levels, d.jurisdiction_id, d.level, $cycles, c.cycle)
        and (len($statuses) = 0 or list_contains($statuses, c.commitment_progress))
        and (p.commitment_id is null or d.commitment_id = p.commitment_id)
),

final as (
    select * from commitment_status
    union all by name
    select * from milestone_status
    union all by name
    select * from became_overdue
    union all by name
    select * from commitments_in_or_out
    union all by name
    select * from datasets_published
)

select
    kind,
    record,
    record_id,
    commitment_id,
    jurisdiction_id,
    jurisdiction_name_en,
    jurisdiction_name_fr,
    cycle,
    title_en,
    title_fr,
    from_progress,
    from_status_code,
    to_progress,
    to_status_code,
    status_vocab,
    due_date,
    portal,
    published,
    synthetic,
from final
order by
    list_position(['status', 'overdue', 'added', 'removed', 'published'], kind),
    jurisdiction_id,
    commitment_id nulls last,
    record desc,
    record_id
limit $limit
