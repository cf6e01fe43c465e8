-- The commitment an alias names: one row with the canonical id, the source that uses the alias and how the two were linked; no row when $alias_id is not an alias.
-- Params: $alias_id
-- An alias is another source's id for a commitment the snapshot keeps under one canonical id
-- (CA-NAP4-C10 for CA0073). The id is compared exactly (case-sensitive), as commitment ids are.
with final as (
    select
        a.alias_id,
        a.canonical_id as commitment_id,
        a.alias_source,
        a.rule,
        a.basis,
    from aliases as a
    where a.record = 'commitment'
        and a.alias_id = $alias_id
)

select * from final
