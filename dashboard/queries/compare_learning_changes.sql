-- Learners and events per organizer in the base snapshot and in this one, with the difference; biggest change first.
-- Params: $jurisdictions, $levels
-- Run with base=<snapshot id>. Totals are of the rows each snapshot holds (rows are as the
-- sources report them). learners_added = learners - base_learners (negative when fewer);
-- an organizer in only one snapshot has 0 in the other. Organizers with no change are left out.
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

both_sides as (
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
),

final as (
    select
        s.organizer,
        cast(sum(s.base_events) as bigint) as base_events,
        cast(sum(s.events) as bigint) as events,
        cast(sum(s.events) - sum(s.base_events) as bigint) as events_added,
        cast(sum(s.base_learners) as bigint) as base_learners,
        cast(sum(s.learners) as bigint) as learners,
        cast(sum(s.learners) - sum(s.base_learners) as bigint) as learners_added,
        count_if(s.synthetic) as synthetic_rows,
    from both_sides as s
    left join all_jurisdictions as j
        on j.jurisdiction_id = s.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, s.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
    group by s.organizer
    having sum(s.learners) <> sum(s.base_learners)
        or sum(s.events) <> sum(s.base_events)
)

select * from final
order by abs(learners_added) desc, organizer
