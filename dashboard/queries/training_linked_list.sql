-- The linked-learning rows of the first $limit commitments as training_linked_commitments lists them, and how many commitments there are in all.
-- Params: $jurisdictions, $levels, $cycles, $date_from, $date_to, $limit
-- The same rows and filters as training_linked_commitments; commitments with a reported (real)
-- row come first, then by id, and only the first $limit are returned, each with every one of its
-- rows (real ones first, then the most learners). commitments_total counts every commitment in
-- the selection. Reads the learning_linked rollup; titles are joined to the kept rows only.
with params as (
    select
        cast($date_from as date) as date_from,
        cast($date_to as date) as date_to,
),

filtered as (
    select
        r.*,
    from learning_linked as r
    cross join params as p
    where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, r.cycle)
        and in_date_range(r.period_start, p.date_from, p.date_to)
),

commitment_order as (
    -- Commitments as the linked rows list them: those with a reported (real) row first, then by id.
    select
        commitment_id,
        bool_and(synthetic_rows > 0) as only_generated,
    from filtered
    group by commitment_id
),

kept as (
    select *
    from commitment_order
    order by only_generated, commitment_id
    limit $limit
),

final as (
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
        r.learners / nullif(r.events, 0) as learners_per_event,
        cast(r.synthetic_rows as hugeint) as synthetic_rows,
        (select count(*) from commitment_order) as commitments_total,
        k.only_generated,
    from filtered as r
    inner join kept as k
        on k.commitment_id = r.commitment_id
    left join commitments as c
        on c.commitment_id = r.commitment_id
)

select * exclude (only_generated) from final
order by only_generated, commitment_id, synthetic_rows > 0, learners desc, organizer, event_type, period_start
