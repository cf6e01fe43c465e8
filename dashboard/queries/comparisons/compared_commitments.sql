-- Every commitment of this snapshot, and those only the base snapshot has, with the jurisdiction and cycle a comparison filters its milestones by.
-- Params: none (a comparison view: defined when a snapshot is compared with a base; base.<table> is the base's)
-- Where both snapshots have a commitment, this snapshot's row is the one kept. commitment_progress is
-- the commitment's status on the common scale (the change feed filters by it).
select
    commitment_id,
    jurisdiction_id,
    cycle,
    progress as commitment_progress,
from commitments
union all
select
    b.commitment_id,
    b.jurisdiction_id,
    b.cycle,
    b.progress,
from base.commitments as b
where b.commitment_id not in (select commitment_id from commitments)
