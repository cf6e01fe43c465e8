-- Learning events that name the commitment they serve, one row per commitment, organizer, event type and period, with the commitment's title.
-- Params: $jurisdictions, $levels, $cycles, $date_from, $date_to
-- Only rows with a commitment_id. Figures are as the source reports them (not spread or
-- summed across periods). Jurisdiction and level come from the event; $cycles narrows by the
-- commitment's cycle. A row is kept when its period starts in [$date_from, $date_to]; null
-- leaves that end open. Real (non-synthetic) rows come first, then the most learners.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        e.commitment_id,
        c.title_en as commitment_title_en,
        c.title_fr as commitment_title_fr,
        c.cycle,
        e.jurisdiction_id,
        e.organizer,
        coalesce(e.event_type, '') as event_type,
        e.period,
        e.period_start,
        e.period_end,
        e.events,
        e.learners,
        e.organisations,
        e.synthetic,
    from learning_events as e
    cross join params as p
    left join jurisdictions as j
        on j.jurisdiction_id = e.jurisdiction_id
    left join commitments as c
        on c.commitment_id = e.commitment_id
    where e.commitment_id is not null
        and (len($jurisdictions) = 0 or list_contains($jurisdictions, e.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (len($cycles) = 0 or list_contains($cycles, c.cycle))
        and (p.date_from is null or e.period_start >= p.date_from)
        and (p.date_to is null or e.period_start <= p.date_to)
),

final as (
    select
        commitment_id,
        any_value(commitment_title_en) as commitment_title_en,
        any_value(commitment_title_fr) as commitment_title_fr,
        any_value(cycle) as cycle,
        jurisdiction_id,
        organizer,
        event_type,
        period,
        period_start,
        period_end,
        cast(sum(events) as bigint) as events,
        cast(sum(learners) as bigint) as learners,
        cast(sum(organisations) as bigint) as organisations,
        sum(learners) / nullif(sum(events), 0) as learners_per_event,
        count_if(synthetic) as synthetic_rows,
    from filtered
    group by commitment_id, jurisdiction_id, organizer, event_type, period, period_start, period_end
)

select * from final
order by synthetic_rows > 0, commitment_id, learners desc, organizer, event_type, period_start
