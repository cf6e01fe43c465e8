-- Datasets added and removed between the base snapshot and this one, counted per jurisdiction; most changes first.
-- Params: $jurisdictions, $levels
-- Run with base=<snapshot id>. A dataset is known by (portal, dataset_id), as in
-- snapshot_diff_datasets (both read the comparison view dataset_changes). net = added - removed.
-- Jurisdiction names come from this snapshot, else the base's.
with final as (
    select
        jurisdiction_id,
        any_value(jurisdiction_name_en) as jurisdiction_name_en,
        any_value(jurisdiction_name_fr) as jurisdiction_name_fr,
        count_if(change = 'added') as added,
        count_if(change = 'removed') as removed,
        count_if(change = 'added') - count_if(change = 'removed') as net,
        count_if(synthetic) as synthetic_rows,
    from dataset_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level)
    group by jurisdiction_id
)

select * from final
order by added + removed desc, jurisdiction_id
