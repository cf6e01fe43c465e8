-- One row summing the datasets the filters keep: how many, how many dated, how many from catalogue loads, publishers, portals, first and last release.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- The date range applies to published and is inclusive; when either end is set, undated
-- datasets are left out, and so are those a catalogue load put in the catalogue
-- (dashboard/releases.py), whose date is not a release date (as in releases_by_dimension).
-- catalogue_load_datasets counts the datasets that came in a catalogue load: all of them, or,
-- with a date range, those loaded in it (counted apart from datasets then). first_published and
-- last_published are release dates only: a load's date is not one.
-- publishers counts distinct (portal, organization) pairs naming an organization.
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
        d.catalogue_load,
        d.datasets,
        d.synthetic_rows,
        counts_as_release(d.catalogue_load, p.date_from, p.date_to) as counted,
    from datasets_by_publisher_day as d
    cross join params as p
    where in_filters($jurisdictions, $levels, d.jurisdiction_id, d.level)
        and in_date_range(d.published, p.date_from, p.date_to)
),

final as (
    select
        cast(coalesce(sum(datasets) filter (where counted), 0) as bigint) as datasets,
        cast(coalesce(sum(datasets) filter (where counted and published is not null), 0) as bigint) as dated_datasets,
        cast(coalesce(sum(datasets) filter (where catalogue_load), 0) as bigint) as catalogue_load_datasets,
        count(distinct case when counted and organization is not null then portal || '/' || organization end)
            as publishers,
        count(distinct portal) filter (where counted) as portals,
        min(published) filter (where not catalogue_load) as first_published,
        max(published) filter (where not catalogue_load) as last_published,
        cast(sum(synthetic_rows) filter (where counted) as hugeint) as synthetic_rows,
    from filtered
)

select * from final
