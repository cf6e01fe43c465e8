-- The facts the sources of a commitment disagree on, for the commitment itself and its milestones and indicators: one row per field and source, with the value that source gives.
-- Params: $commitment_id
-- $commitment_id is the canonical id. kept marks the value the record shows (the first source's,
-- in the sources file's order); source_record_id is the id that source gives the record. Rows of
-- one field stay together: commitment first, then milestones, then indicators, in natural id
-- order, then field, kept value first, then source.
with final as (
    select
        c.record,
        c.record_id,
        c.field,
        c.value,
        c.kept,
        c.source,
        c.source_record_id,
    from conflicts as c
    where c.commitment_id = $commitment_id
)

select * from final
order by
    case record when 'commitment' then 0 when 'milestone' then 1 else 2 end,
    list_transform(
        regexp_extract_all(record_id, '\d+|\D+'),
        lambda x: case when regexp_full_match(x, '\d+') then lpad(x, 12, '0') else x end
    ),
    record_id,
    field,
    kept desc,
    source
