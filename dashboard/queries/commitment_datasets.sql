-- The datasets a source links to one commitment, newest first.
-- Params: $commitment_id
with final as (
    select
        d.portal,
        d.dataset_id,
        d.title_en,
        d.title_fr,
        d.organization,
        d.organization_title_en,
        d.organization_title_fr,
        d.published,
        d.licence,
        d.formats,
        d.synthetic,
    from datasets as d
    where d.commitment_id = $commitment_id
)

select * from final
order by published desc nulls last, portal, dataset_id
