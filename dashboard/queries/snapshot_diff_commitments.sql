-- Commitments added to or removed from the data between the base snapshot and this one, one row each.
-- Params: $jurisdictions, $levels, $cycles, $limit
-- Run with base=<snapshot id>: base.<table> is the earlier snapshot. A commitment is known by its
-- commitment_id; change is 'added' (described from this snapshot) or 'removed' (described from
-- the base). Jurisdiction names and levels come from this snapshot, else the base's. Added rows
-- come first. $limit null = all rows.
with all_jurisdictions as (
    select
        jurisdiction_id,
        name_en,
        name_fr,
        level,
    from jurisdictions
    union all
    select
        b.jurisdiction_id,
        b.name_en,
        b.name_fr,
        b.level,
    from base.jurisdictions as b
    where b.jurisdiction_id not in (select jurisdiction_id from jurisdictions)
),

added as (
    select
        'added' as change,
        c.commitment_id,
        c.jurisdiction_id,
        c.cycle,
        c.title_en,
        c.title_fr,
        c.source,
        c.synthetic,
    from commitments as c
    anti join base.commitments as b
        on b.commitment_id = c.commitment_id
),

removed as (
    select
        'removed' as change,
        b.commitment_id,
        b.jurisdiction_id,
        b.cycle,
        b.title_en,
        b.title_fr,
        b.source,
        b.synthetic,
    from base.commitments as b
    anti join commitments as c
        on c.commitment_id = b.commitment_id
),

changes as (
    select * from added
    union all
    select * from removed
),

final as (
    select
        x.change,
        x.commitment_id,
        x.jurisdiction_id,
        j.name_en as jurisdiction_name_en,
        j.name_fr as jurisdiction_name_fr,
        x.cycle,
        x.title_en,
        x.title_fr,
        x.source,
        x.synthetic,
    from changes as x
    left join all_jurisdictions as j
        on j.jurisdiction_id = x.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, x.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (len($cycles) = 0 or list_contains($cycles, x.cycle))
)

select * from final
order by change, jurisdiction_id, cycle, commitment_id
limit $limit
