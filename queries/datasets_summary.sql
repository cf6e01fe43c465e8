-- One row summing the datasets the filters keep: how many, how many dated, publishers, portals, first and last release.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- The date range applies to published and is inclusive; when either end is set, undated
-- datasets are left out (as in releases_by_dimension). publishers counts distinct
-- (portal, organization) pairs naming an organization.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        d.portal,
        d.organization,
        d.published,
        d.datasets,
        d.synthetic_rows,
    from datasets_by_publisher_day as d
    cross join params as p
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, d.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, d.level))
        and (p.date_from is null or d.published >= p.date_from)
        and (p.date_to is null or d.published <= p.date_to)
),

final as (
    select
        cast(coalesce(sum(datasets), 0) as bigint) as datasets,
        cast(coalesce(sum(datasets) filter (where published is not null), 0) as bigint) as dated_datasets,
        count(distinct case when organization is not null then portal || '/' || organization end) as publishers,
        count(distinct portal) as portals,
        min(published) as first_published,
        max(published) as last_published,
        cast(sum(synthetic_rows) as hugeint) as synthetic_rows,
    from filtered
)

select * from final
