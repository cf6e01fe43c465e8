-- Commitments both snapshots have whose status differs between the base snapshot and this one: the status before and after.
-- Params: none (a comparison view: defined when a snapshot is compared with a base; base.<table> is the base's)
-- A status differs as in milestone_changes: its progress, rank, vocabulary or code (compared
-- case-insensitively). Commitments added or removed are commitment_changes' rows, not these.
-- Jurisdiction names and level come from this snapshot, else the base's.
with changes as (
    select
        c.commitment_id,
        c.jurisdiction_id,
        c.cycle,
        c.title_en,
        c.title_fr,
        b.progress as from_progress,
        b.progress_rank as from_rank,
        b.status_code as from_status_code,
        b.status_vocab as from_status_vocab,
        c.progress as to_progress,
        c.progress_rank as to_rank,
        c.status_code as to_status_code,
        c.status_vocab as to_status_vocab,
        c.synthetic or b.synthetic as synthetic,
    from commitments as c
    inner join base.commitments as b
        on b.commitment_id = c.commitment_id
    where c.progress is distinct from b.progress
        or c.progress_rank is distinct from b.progress_rank
        or c.status_vocab is distinct from b.status_vocab
        or lower(c.status_code) is distinct from lower(b.status_code)
)

select *
from changes
left join compared_jurisdictions using (jurisdiction_id)
