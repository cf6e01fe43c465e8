-- Datasets released (by published date) per calendar year, the catalogue loads apart, with the running total of the catalogue at each year's end.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- Years run from $date_from's (else the first release's or load's) to $date_to's (else the
-- last's), with zero-release years included. datasets counts releases only: records that a
-- catalogue load put in the catalogue (a migration or federation, dated by when they were loaded,
-- not released; dashboard/releases.py) are counted apart in catalogue_load_datasets, in the year
-- of the load. cumulative_datasets counts every dataset the jurisdiction and level filters keep
-- that was in the catalogue by the year's end (released or loaded), including those before
-- $date_from. Datasets with no published date are left out.
-- $date_from and $date_to are inclusive; null leaves that end open.
-- Reads the datasets_by_day rollup (datasets per jurisdiction and day), not the datasets.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

dated as (
    select
        d.published,
        case when d.catalogue_load then 0 else d.datasets end as datasets,
        case when d.catalogue_load then d.datasets else 0 end as catalogue_load_datasets,
        d.synthetic_rows,
    from datasets_by_day as d
    where d.published is not null
        and (len($jurisdictions) = 0 or list_contains($jurisdictions, d.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, d.level))
),

in_range as (
    select
        cast(year(d.published) as integer) as year,
        d.datasets,
        d.catalogue_load_datasets,
        d.synthetic_rows,
    from dated as d
    cross join params as p
    where (p.date_from is null or d.published >= p.date_from)
        and (p.date_to is null or d.published <= p.date_to)
),

before_range as (
    select
        cast(coalesce(sum(d.datasets + d.catalogue_load_datasets), 0) as bigint) as datasets,
    from dated as d
    cross join params as p
    where d.published < p.date_from
),

yearly as (
    select
        year,
        cast(sum(datasets) as bigint) as datasets,
        cast(sum(catalogue_load_datasets) as bigint) as catalogue_load_datasets,
        cast(sum(datasets + catalogue_load_datasets) as bigint) as catalogue_datasets,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from in_range
    group by year
),

bounds as (
    select
        coalesce(cast(year(any_value(p.date_from)) as integer), min(y.year)) as first_year,
        coalesce(cast(year(any_value(p.date_to)) as integer), max(y.year)) as last_year,
    from yearly as y
    cross join params as p
    having count(*) > 0
),

years as (
    select
        cast(unnest(range(first_year, last_year + 1)) as integer) as year,
    from bounds
),

final as (
    select
        s.year,
        coalesce(y.datasets, 0) as datasets,
        coalesce(y.catalogue_load_datasets, 0) as catalogue_load_datasets,
        cast(b.datasets + sum(coalesce(y.catalogue_datasets, 0)) over (order by s.year) as bigint)
            as cumulative_datasets,
        coalesce(y.synthetic_rows, 0) as synthetic_rows,
    from years as s
    cross join before_range as b
    left join yearly as y
        on y.year = s.year
)

select * from final
order by year
