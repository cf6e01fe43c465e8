-- One row summing the learning events the filters keep: events, learners, organisations, organizers, jurisdictions and linked commitments.
-- Params: $jurisdictions, $levels, $date_from, $date_to
-- Sums are of the rows as each source reports them; rows may overlap (a source may count an
-- event another also counts). A row is kept when its period starts in [$date_from, $date_to];
-- null leaves that end open. organisations is null when no row says.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        e.jurisdiction_id,
        e.organizer,
        e.events,
        e.learners,
        e.organisations,
        e.commitment_id,
        e.synthetic,
    from learning_events as e
    cross join params as p
    left join jurisdictions as j
        on j.jurisdiction_id = e.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, e.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (p.date_from is null or e.period_start >= p.date_from)
        and (p.date_to is null or e.period_start <= p.date_to)
),

final as (
    select
        count(*) as records,
        cast(coalesce(sum(events), 0) as bigint) as events,
        cast(coalesce(sum(learners), 0) as bigint) as learners,
        cast(sum(organisations) as bigint) as organisations,
        count(distinct organizer) as organizers,
        count(distinct jurisdiction_id) as jurisdictions,
        count(distinct commitment_id) as linked_commitments,
        count_if(synthetic) as synthetic_rows,
    from filtered
)

select * from final
