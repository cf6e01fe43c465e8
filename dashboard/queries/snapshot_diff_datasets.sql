-- Datasets added to or removed from the catalogue between the base snapshot and this one.
-- Params: $jurisdictions, $levels, $limit
-- Run with base=<snapshot id>: base.<table> is the earlier snapshot. A dataset is known by
-- (portal, dataset_id); change is 'added' (described from this snapshot) or 'removed'
-- (described from the base). Added rows come first. $limit null = all rows.
-- Reads the comparison view dataset_changes.
with final as (
    select
        change,
        portal,
        dataset_id,
        jurisdiction_id,
        organization,
        organization_title_en,
        organization_title_fr,
        title_en,
        title_fr,
        published,
        synthetic,
    from dataset_changes
    where in_filters($jurisdictions, $levels, jurisdiction_id, level)
)

select * from final
order by change, portal, dataset_id
limit $limit
