-- Organizations ranked by datasets released, with their titles in English and French and their first and last release dates.
-- Params: $jurisdictions, $levels, $date_from, $date_to, $limit
-- An organization is a publisher on one portal. The date range applies to published and is
-- inclusive; when either end is set, undated datasets are left out, and so are those a catalogue
-- load put in the catalogue (dashboard/releases.py), whose date is not a release date; they never
-- set first_published or last_published. Datasets naming no organization are not counted.
-- catalogue_load_datasets: how many of datasets a catalogue load put in the catalogue (0 once a period is set).
-- $limit null = all rows.
-- Reads the datasets_by_publisher_day rollup, not the datasets.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        d.jurisdiction_id,
        d.portal,
        d.organization,
        d.organization_title_en,
        d.organization_title_fr,
        d.published,
        d.catalogue_load,
        d.datasets,
        d.synthetic_rows,
    from datasets_by_publisher_day as d
    cross join params as p
    where d.organization is not null
        and in_filters($jurisdictions, $levels, d.jurisdiction_id, d.level)
        and in_date_range(d.published, p.date_from, p.date_to)
        and counts_as_release(d.catalogue_load, p.date_from, p.date_to)
),

final as (
    select
        organization,
        max(organization_title_en) as organization_title_en,
        max(organization_title_fr) as organization_title_fr,
        portal,
        jurisdiction_id,
        cast(sum(datasets) as bigint) as datasets,
        min(published) filter (where not catalogue_load) as first_published,
        max(published) filter (where not catalogue_load) as last_published,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
        cast(sum(case when catalogue_load then datasets else 0 end) as bigint) as catalogue_load_datasets,
    from filtered
    group by jurisdiction_id, portal, organization
)

select * from final
order by datasets desc, organization, portal
limit $limit
