-- Every other id of a commitment and of its milestones and indicators: one row per alias, with the source that uses it and how it was linked.
-- Params: $commitment_id
-- $commitment_id is the canonical id. alias_source is null when no source of the snapshot uses
-- the alias (the crosswalk names it). Commitment first, then milestones, then indicators, each
-- in natural id order (10.2 before 10.10).
with final as (
    select
        a.record,
        a.canonical_id,
        a.alias_id,
        a.alias_source,
        a.rule,
        a.basis,
        a.source,
    from aliases as a
    where a.commitment_id = $commitment_id
)

select * from final
order by
    case record when 'commitment' then 0 when 'milestone' then 1 else 2 end,
    list_transform(
        regexp_extract_all(canonical_id, '\d+|\D+'),
        lambda x: case when regexp_full_match(x, '\d+') then lpad(x, 12, '0') else x end
    ),
    alias_id
