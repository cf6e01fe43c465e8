-- Milestones counted by their status in the base snapshot and in this one (from -> to), for those whose status changed, appeared or went.
-- Params: $jurisdictions, $levels, $cycles
-- Run with base=<snapshot id>. Built on the same comparison as snapshot_diff_status (the comparison
-- view milestone_changes): change is 'changed', 'added' (from_progress null) or 'removed'
-- (to_progress null). A status with no progress on the common scale keeps a null progress and
-- counts in its own row.
with final as (
    select
        change,
        from_progress,
        any_value(from_rank) as from_rank,
        to_progress,
        any_value(to_rank) as to_rank,
        count(*) as milestones,
        count_if(synthetic) as synthetic_rows,
    from milestone_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level, $cycles, cycle)
    group by change, from_progress, to_progress
)

select * from final
order by milestones desc, change, from_progress nulls first, to_progress nulls last
