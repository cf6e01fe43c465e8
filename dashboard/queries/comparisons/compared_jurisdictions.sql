-- Every jurisdiction of this snapshot, and those only the base snapshot has: the names and levels a comparison shows and filters by.
-- Params: none (a comparison view: defined when a snapshot is compared with a base; base.<table> is the base's)
-- Where both snapshots have a jurisdiction, this snapshot's row is the one kept.
select
    jurisdiction_id,
    name_en as jurisdiction_name_en,
    name_fr as jurisdiction_name_fr,
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
