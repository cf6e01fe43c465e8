-- Learning that names a commitment, totalled per commitment and organizer: the bars of the training page's linked chart.
-- Params: $jurisdictions, $levels, $cycles, $date_from, $date_to, $limit
-- The same rows as training_linked_commitments (same filters), summed per (commitment, organizer).
-- organisations is null when no row of the group says. A group is real when at least one of its
-- records is not synthetic. At most $limit groups are kept: real ones first, then the most
-- learners; they come back ordered by commitment, then most learners first.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        r.commitment_id,
        r.organizer,
        r.events,
        r.learners,
        r.organisations,
        r.synthetic_rows,
    from learning_linked as r
    cross join params as p
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, r.cycle)
        and in_date_range(r.period_start, p.date_from, p.date_to)
),

groups as (
    select
        commitment_id,
        organizer,
        cast(coalesce(sum(events), 0) as bigint) as events,
        cast(coalesce(sum(learners), 0) as bigint) as learners,
        cast(sum(organisations) as bigint) as organisations,
        cast(sum(synthetic_rows) as bigint) as synthetic_rows,
        cast(count(*) as bigint) as records,
    from filtered
    group by commitment_id, organizer
),

kept as (
    select
        *,
        synthetic_rows < records as "real",
    from groups
    order by "real" desc, learners desc, commitment_id, organizer nulls last
    limit $limit
)

select * from kept
order by commitment_id, learners desc, organizer nulls last
