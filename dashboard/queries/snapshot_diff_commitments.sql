-- Commitments added to or removed from the data between the base snapshot and this one, one row each.
-- Params: $jurisdictions, $levels, $cycles, $limit
-- Run with base=<snapshot id>: base.<table> is the earlier snapshot. A commitment is known by its
-- commitment_id; change is 'added' (described from this snapshot) or 'removed' (described from
-- the base). Jurisdiction names and levels come from this snapshot, else the base's. Added rows
-- come first. $limit null = all rows. Reads the comparison view commitment_changes.
with final as (
    select
        change,
        commitment_id,
        jurisdiction_id,
        jurisdiction_name_en,
        jurisdiction_name_fr,
        cycle,
        title_en,
        title_fr,
        source,
        synthetic,
    from commitment_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level, $cycles, cycle)
)

select * from final
order by change, jurisdiction_id, cycle, commitment_id
limit $limit
