-- Where each field of a commitment built from several sources came from: one row per field, with its source and the id that source gives the commitment.
-- Params: $commitment_id
-- Only the commitment's own fields (its milestones' are in field_sources too). No rows when the
-- commitment comes from one source: then every field is from its `source`.
with final as (
    select
        f.field,
        f.source,
        f.source_record_id,
    from field_sources as f
    where f.record = 'commitment'
        and f.record_id = $commitment_id
)

select * from final
order by source, field
