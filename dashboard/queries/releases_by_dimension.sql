-- Datasets released counted by one dimension the caller picks: jurisdiction, organization, format or licence; largest first.
-- Params: $dimension, $jurisdictions, $levels, $date_from, $date_to, $limit
-- $dimension is compared as a value with those four names, so any other value returns
-- no rows. A dataset counts once per format it offers (formats are compared upper-cased and
-- trimmed), so format counts can add up to more than the datasets. The date range applies
-- to published and is inclusive; when either end is set, undated datasets are left out, and so are
-- those a catalogue load put in the catalogue (dashboard/releases.py): their date is not a release date.
-- value null means the dataset does not say (no organization, no licence). $limit null = all rows.
-- catalogue_load_datasets: how many of datasets a catalogue load put in the catalogue (0 once a period is set,
-- as those are left out then): without a period the counts are the catalogue's, not only its releases.
-- Reads the rollups of datasets per day (by jurisdiction; by publisher and licence; by format).
with params as (
    select
        cast($dimension as varchar) as dimension,
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

by_jurisdiction as (
    select
        'jurisdiction' as dimension,
        d.jurisdiction_id as value,
        any_value(j.name_en) as label_en,
        any_value(j.name_fr) as label_fr,
        cast(sum(d.datasets) as bigint) as datasets,
        cast(sum(d.synthetic_rows) as bigint) as synthetic_rows,
        cast(sum(case when d.catalogue_load then d.datasets else 0 end) as bigint) as catalogue_load_datasets,
    from datasets_by_day as d
    cross join params as p
    left join jurisdictions as j
        on j.jurisdiction_id = d.jurisdiction_id
    where p.dimension = 'jurisdiction'
        and in_filters($jurisdictions, $levels, d.jurisdiction_id, d.level)
        and in_date_range(d.published, p.date_from, p.date_to)
        and counts_as_release(d.catalogue_load, p.date_from, p.date_to)
    group by d.jurisdiction_id
),

publishers as (
    select
        d.organization,
        d.organization_title_en,
        d.organization_title_fr,
        d.licence,
        d.datasets,
        d.synthetic_rows,
        d.catalogue_load,
    from datasets_by_publisher_day as d
    cross join params as p
    where p.dimension in ('organization', 'licence')
        and in_filters($jurisdictions, $levels, d.jurisdiction_id, d.level)
        and in_date_range(d.published, p.date_from, p.date_to)
        and counts_as_release(d.catalogue_load, p.date_from, p.date_to)
),

by_organization as (
    select
        'organization' as dimension,
        organization as value,
        max(organization_title_en) as label_en,
        max(organization_title_fr) as label_fr,
        cast(sum(datasets) as bigint) as datasets,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
        cast(sum(case when catalogue_load then datasets else 0 end) as bigint) as catalogue_load_datasets,
    from publishers
    where (select dimension from params) = 'organization'
    group by organization
),

by_format as (
    select
        'format' as dimension,
        f.format as value,
        f.format as label_en,
        f.format as label_fr,
        cast(sum(f.datasets) as bigint) as datasets,
        cast(sum(f.synthetic_rows) as bigint) as synthetic_rows,
        cast(sum(case when f.catalogue_load then f.datasets else 0 end) as bigint) as catalogue_load_datasets,
    from dataset_formats_by_day as f
    cross join params as p
    where p.dimension = 'format'
        and in_filters($jurisdictions, $levels, f.jurisdiction_id, f.level)
        and in_date_range(f.published, p.date_from, p.date_to)
        and counts_as_release(f.catalogue_load, p.date_from, p.date_to)
    group by f.format
),

by_licence as (
    select
        'licence' as dimension,
        licence as value,
        licence as label_en,
        licence as label_fr,
        cast(sum(datasets) as bigint) as datasets,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
        cast(sum(case when catalogue_load then datasets else 0 end) as bigint) as catalogue_load_datasets,
    from publishers
    where (select dimension from params) = 'licence'
    group by licence
),

final as (
    select * from by_jurisdiction
    union all
    select * from by_organization
    union all
    select * from by_format
    union all
    select * from by_licence
)

select * from final
order by datasets desc, value asc nulls last
limit $limit
