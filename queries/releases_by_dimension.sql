-- Datasets released counted by one dimension the caller picks: jurisdiction, organization, format or licence; largest first.
-- Params: $dimension, $jurisdictions, $levels, $date_from, $date_to, $limit
-- $dimension is compared as a value with those four names, so any other value returns
-- no rows. A dataset counts once per format it offers (formats are compared upper-cased and
-- trimmed), so format counts can add up to more than the datasets. The date range applies
-- to published and is inclusive; when either end is set, undated datasets are left out.
-- value null means the dataset does not say (no organization, no licence). $limit null = all rows.
with params as (
    select
        cast($dimension as varchar) as dimension,
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        d.portal,
        d.dataset_id,
        d.jurisdiction_id,
        j.name_en as jurisdiction_name_en,
        j.name_fr as jurisdiction_name_fr,
        d.organization,
        d.organization_title_en,
        d.organization_title_fr,
        d.licence,
        d.formats,
        d.synthetic,
    from datasets as d
    cross join params as p
    left join jurisdictions as j
        on j.jurisdiction_id = d.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, d.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (p.date_from is null or d.published >= p.date_from)
        and (p.date_to is null or d.published <= p.date_to)
),

by_jurisdiction as (
    select
        'jurisdiction' as dimension,
        jurisdiction_id as value,
        any_value(jurisdiction_name_en) as label_en,
        any_value(jurisdiction_name_fr) as label_fr,
        count(*) as datasets,
        count(*) filter (where synthetic) as synthetic_rows,
    from filtered
    where (select dimension from params) = 'jurisdiction'
    group by jurisdiction_id
),

by_organization as (
    select
        'organization' as dimension,
        organization as value,
        max(organization_title_en) as label_en,
        max(organization_title_fr) as label_fr,
        count(*) as datasets,
        count(*) filter (where synthetic) as synthetic_rows,
    from filtered
    where (select dimension from params) = 'organization'
    group by organization
),

dataset_formats as (
    select distinct
        portal,
        dataset_id,
        upper(trim(unnest(formats))) as format,
        synthetic,
    from filtered
    where (select dimension from params) = 'format'
),

by_format as (
    select
        'format' as dimension,
        format as value,
        format as label_en,
        format as label_fr,
        count(*) as datasets,
        count(*) filter (where synthetic) as synthetic_rows,
    from dataset_formats
    where format <> ''
    group by format
),

by_licence as (
    select
        'licence' as dimension,
        licence as value,
        licence as label_en,
        licence as label_fr,
        count(*) as datasets,
        count(*) filter (where synthetic) as synthetic_rows,
    from filtered
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
