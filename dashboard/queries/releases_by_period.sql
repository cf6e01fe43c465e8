-- Datasets released (by published date) per month or per calendar year, the catalogue loads apart, with the running total of the catalogue at each period's end.
-- Params: $grain, $jurisdictions, $levels, $date_from, $date_to
-- $grain is 'month' or 'year', compared as a value (any other returns no rows). It names the
-- period column: month (the month's first day, a date) or year (an integer).
-- Periods run from $date_from's (else the first release's or load's) to $date_to's (else the
-- last's), with zero-release periods included, so the line has no gaps. datasets counts releases
-- only: records that a catalogue load put in the catalogue (a migration or federation, dated by
-- when they were loaded, not released; dashboard/releases.py) are counted apart in
-- catalogue_load_datasets, in the period of the load. cumulative_datasets counts every dataset the
-- jurisdiction and level filters keep that was in the catalogue by the period's end (released or
-- loaded), including those before $date_from. Datasets with no published date are left out.
-- $date_from and $date_to are inclusive; null leaves that end open.
-- Reads the datasets_by_day rollup (datasets per jurisdiction and day), not the datasets.
with params as (
    select
        cast($grain as varchar) as grain,
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
        and in_filters($jurisdictions, $levels, d.jurisdiction_id, d.level)
),

in_range as (
    select
        cast(date_trunc(p.grain, d.published) as date) as period,
        d.datasets,
        d.catalogue_load_datasets,
        d.synthetic_rows,
    from dated as d
    cross join params as p
    where p.grain in ('month', 'year')
        and in_date_range(d.published, p.date_from, p.date_to)
),

before_range as (
    select
        cast(coalesce(sum(d.datasets + d.catalogue_load_datasets), 0) as bigint) as datasets,
    from dated as d
    cross join params as p
    where d.published < p.date_from
),

per_period as (
    select
        period,
        cast(sum(datasets) as bigint) as datasets,
        cast(sum(catalogue_load_datasets) as bigint) as catalogue_load_datasets,
        cast(sum(datasets + catalogue_load_datasets) as bigint) as catalogue_datasets,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
    from in_range
    group by period
),

bounds as (
    select
        coalesce(cast(date_trunc(any_value(p.grain), any_value(p.date_from)) as date), min(s.period)) as first_period,
        coalesce(cast(date_trunc(any_value(p.grain), any_value(p.date_to)) as date), max(s.period)) as last_period,
        case any_value(p.grain) when 'year' then interval 1 year else interval 1 month end as step,
    from per_period as s
    cross join params as p
    having count(*) > 0
),

periods as (
    select
        cast(unnest(generate_series(first_period, last_period, step)) as date) as period,
    from bounds
),

final as (
    select
        s.period as month,
        cast(year(s.period) as integer) as year,
        coalesce(x.datasets, 0) as datasets,
        coalesce(x.catalogue_load_datasets, 0) as catalogue_load_datasets,
        cast(b.datasets + sum(coalesce(x.catalogue_datasets, 0)) over (order by s.period) as bigint)
            as cumulative_datasets,
        coalesce(x.synthetic_rows, 0) as synthetic_rows,
    from periods as s
    cross join before_range as b
    left join per_period as x
        on x.period = s.period
)

-- The period column the grain names, then the counts.
select columns(lambda c: c = $grain or c not in ('month', 'year')) from final
order by month
