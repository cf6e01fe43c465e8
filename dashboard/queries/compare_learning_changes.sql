-- Learners and events per organizer in the base snapshot and in this one, with the difference; biggest change first.
-- Params: $jurisdictions, $levels
-- Run with base=<snapshot id>. Totals are of the rows each snapshot holds (rows are as the
-- sources report them; the comparison view learning_changes). learners_added = learners -
-- base_learners (negative when fewer); an organizer in only one snapshot has 0 in the other.
-- Organizers with no change are left out.
with final as (
    select
        organizer,
        cast(sum(base_events) as bigint) as base_events,
        cast(sum(events) as bigint) as events,
        cast(sum(events) - sum(base_events) as bigint) as events_added,
        cast(sum(base_learners) as bigint) as base_learners,
        cast(sum(learners) as bigint) as learners,
        cast(sum(learners) - sum(base_learners) as bigint) as learners_added,
        count_if(synthetic) as synthetic_rows,
    from learning_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level)
    group by organizer
    having sum(learners) <> sum(base_learners)
        or sum(events) <> sum(base_events)
)

select * from final
order by abs(learners_added) desc, organizer
