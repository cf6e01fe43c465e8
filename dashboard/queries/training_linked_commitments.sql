-- Learning events that name the commitment they serve, one row per commitment, organizer, event type and period, with the commitment's title.
-- Params: $jurisdictions, $levels, $cycles, $date_from, $date_to
-- Only rows with a commitment_id. Figures are as the source reports them (not spread or
-- summed across periods). Jurisdiction and level come from the event; $cycles narrows by the
-- commitment's cycle. A row is kept when its period starts in [$date_from, $date_to]; null
-- leaves that end open. Real (non-synthetic) rows come first, then the most learners.
-- Reads the learning_linked rollup (the rows grouped as here, before any filter).
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        r.commitment_id,
        c.title_en as commitment_title_en,
        c.title_fr as commitment_title_fr,
        c.cycle,
        r.jurisdiction_id,
        r.organizer,
        r.event_type,
        r.period,
        r.period_start,
        r.period_end,
        r.events,
        r.learners,
        r.organisations,
        r.synthetic_rows,
    from learning_linked as r
    cross join params as p
    left join commitments as c
        on c.commitment_id = r.commitment_id
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, c.cycle)
        and in_date_range(r.period_start, p.date_from, p.date_to)
),

final as (
    select
        commitment_id,
        commitment_title_en,
        commitment_title_fr,
        cycle,
        jurisdiction_id,
        organizer,
        event_type,
        period,
        period_start,
        period_end,
        events,
        learners,
        organisations,
        learners / nullif(events, 0) as learners_per_event,
        cast(synthetic_rows as hugeint) as synthetic_rows,
    from filtered
)

select * from final
order by synthetic_rows > 0, commitment_id, learners desc, organizer, event_type, period_start
