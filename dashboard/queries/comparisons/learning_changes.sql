-- Learning-event rows of both snapshots side by side: this snapshot's events and learners, and the base's apart.
-- Params: none (a comparison view: defined when a snapshot is compared with a base; base.<table> is the base's)
-- Each row is one snapshot's: this snapshot's have base_events and base_learners 0, the base's have
-- events and learners 0, so a sum of learners - base_learners is what was added (negative when
-- fewer). Rows are as the sources report them. Jurisdiction names and level come from this
-- snapshot, else the base's.
with both_sides as (
    select
        e.organizer,
        e.jurisdiction_id,
        0 as base_events,
        0 as base_learners,
        e.events,
        e.learners,
        e.synthetic,
    from learning_events as e
    union all
    select
        b.organizer,
        b.jurisdiction_id,
        b.events as base_events,
        b.learners as base_learners,
        0 as events,
        0 as learners,
        b.synthetic,
    from base.learning_events as b
)

select *
from both_sides
left join compared_jurisdictions using (jurisdiction_id)
