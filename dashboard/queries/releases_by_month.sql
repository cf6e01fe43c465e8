-- Datasets released (by published date) per month, the catalogue loads apart, with the running total of the catalogue at each month's end.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- Months run from $date_from (else the first release or load) to $date_to (else the last), with
-- zero-release months included, so the line has no gaps. datasets counts releases only: records
-- that a catalogue load put in the catalogue (a migration or federation, dated by when they were
-- loaded, not released; dashboard/releases.py) are counted apart in catalogue_load_datasets, in
-- the month of the load. cumulative_datasets counts every dataset the jurisdiction and level
-- filters keep that was in the catalogue by the month's end (released or loaded), including those
-- before $date_from. Datasets with no published date are left out.
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
        cast(date_trunc('month', d.published) as date) as month,
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

monthly as (
    select
        month,
        cast(sum(datasets) as bigint) as datasets,
        cast(sum(catalogue_load_datasets) as bigint) as catalogue_load_datasets,
        cast(sum(datasets + catalogue_load_datasets) as bigint) as catalogue_datasets,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from in_range
    group by month
),

bounds as (
    select
        coalesce(cast(date_trunc('month', any_value(p.date_from)) as date), min(m.month)) as first_month,
        coalesce(cast(date_trunc('month', any_value(p.date_to)) as date), max(m.month)) as last_month,
    from monthly as m
    cross join params as p
    having count(*) > 0
),

months as (
    select
        cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month,
    from bounds
),

final as (
    select
        s.month,
        coalesce(m.datasets, 0) as datasets,
        coalesce(m.catalogue_load_datasets, 0) as catalogue_load_datasets,
        cast(b.datasets + sum(coalesce(m.catalogue_datasets, 0)) over (order by s.month) as bigint)
            as cumulative_datasets,
        coalesce(m.synthetic_rows, 0) as synthetic_rows,
    from months as s
    cross join before_range as b
    left join monthly as m
        on m.month = s.month
)

select * from final
order by month
