-- Milestones whose latest status differs between the base snapshot and this one, with the status before and after, plus milestones added and removed.
-- Params: $jurisdictions, $levels, $cycles
-- Run with base=<snapshot id>: base.<table> is the earlier snapshot. change is 'changed',
-- 'added' (from_* null) or 'removed' (to_* null). A status differs when its progress, rank,
-- vocabulary or code (compared case-insensitively) differs. rank_change = to_rank - from_rank,
-- null when either has no rank. Jurisdiction, level and cycle come from this snapshot's
-- commitment, else the base's when the commitment is gone. Reads the comparison view milestone_changes.
with final as (
    select
        change,
        milestone_id,
        commitment_id,
        jurisdiction_id,
        title_en,
        title_fr,
        from_progress,
        from_rank,
        from_status_code,
        from_status_vocab,
        to_progress,
        to_rank,
        to_status_code,
        to_status_vocab,
        to_rank - from_rank as rank_change,
        synthetic,
    from milestone_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level, $cycles, cycle)
)

select * from final
order by commitment_id, milestone_id
