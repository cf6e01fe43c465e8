-- One row summing the learning events the filters keep: events, learners, organisations, organizers, jurisdictions and linked commitments.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- Sums are of the rows as each source reports them; rows may overlap (a source may count an
-- event another also counts). A row is kept when its period starts in [$date_from, $date_to];
-- null leaves that end open. organisations is null when no row says.
-- Reads the learning_by_period and learning_commitments_by_period rollups.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        e.jurisdiction_id,
        e.organizer,
        e.records,
        e.events,
        e.learners,
        e.organisations,
        e.synthetic_rows,
    from learning_by_period as e
    cross join params as p
    where in_filters($jurisdictions, $levels, e.jurisdiction_id, e.level)
        and in_date_range(e.period_start, p.date_from, p.date_to)
),

linked as (
    select
        count(distinct c.commitment_id) as linked_commitments,
    from learning_commitments_by_period as c
    cross join params as p
    where in_filters($jurisdictions, $levels, c.jurisdiction_id, c.level)
        and in_date_range(c.period_start, p.date_from, p.date_to)
),

totals as (
    select
        cast(coalesce(sum(records), 0) as bigint) as records,
        cast(coalesce(sum(events), 0) as bigint) as events,
        cast(coalesce(sum(learners), 0) as bigint) as learners,
        cast(sum(organisations) as bigint) as organisations,
        count(distinct organizer) as organizers,
        count(distinct jurisdiction_id) as jurisdictions,
        cast(sum(synthetic_rows) as hugeint) as synthetic_rows,
    from filtered
),

final as (
    select
        t.records,
        t.events,
        t.learners,
        t.organisations,
        t.organizers,
        t.jurisdictions,
        l.linked_commitments,
        t.synthetic_rows,
    from totals as t
    cross join linked as l
)

select * from final
