-- The learning-event rows a source links to one commitment: who organised what, when, and how many it reached.
-- Params: $commitment_id
with final as (
    select
        e.period,
        e.period_start,
        e.period_end,
        e.jurisdiction_id,
        e.organizer,
        e.event_type,
        e.topic,
        e.events,
        e.learners,
        e.organisations,
        e.synthetic,
    from learning_events as e
    where e.commitment_id = $commitment_id
)

select * from final
order by period_start, organizer, event_type
