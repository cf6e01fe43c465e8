-- Commitments added to or removed from the data between the base snapshot and this one, one row each.
-- Params: none (a comparison view: defined when a snapshot is compared with a base; base.<table> is the base's)
-- A commitment is known by its commitment_id; change is 'added' (described from this snapshot) or
-- 'removed' (described from the base). Jurisdiction names and level come from this snapshot, else
-- the base's.
with changes as (
    select
        case when b.commitment_id is null then 'added' else 'removed' end as change,
        coalesce(c.commitment_id, b.commitment_id) as commitment_id,
        coalesce(c.jurisdiction_id, b.jurisdiction_id) as jurisdiction_id,
        coalesce(c.cycle, b.cycle) as cycle,
        coalesce(c.title_en, b.title_en) as title_en,
        coalesce(c.title_fr, b.title_fr) as title_fr,
        coalesce(c.progress, b.progress) as progress,
        coalesce(c.source, b.source) as source,
        coalesce(c.synthetic, b.synthetic) as synthetic,
    from commitments as c
    full outer join base.commitments as b
        on b.commitment_id = c.commitment_id
    where c.commitment_id is null
        or b.commitment_id is null
)

select *
from changes
left join compared_jurisdictions using (jurisdiction_id)
