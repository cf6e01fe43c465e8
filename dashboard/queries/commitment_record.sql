-- One commitment's record with its jurisdiction's names and how many milestones (and of those, dated), reported statuses, linked datasets and learning-event rows it has.
-- Params: $commitment_id
-- No row when the id is unknown. The id is compared exactly (case-sensitive).
-- The counts compare with $commitment_id itself, not the outer row: a correlated subquery was
-- decorrelated into a count of every commitment's rows (all 2M datasets at world scale).
with record as (
    select *
    from commitments
    where commitment_id = $commitment_id
),

final as (
    select
        c.*,
        j.name_en as jurisdiction_name_en,
        j.name_fr as jurisdiction_name_fr,
        j.level,
        (select count(*) from milestones as m where m.commitment_id = $commitment_id) as milestones,
        (select count(m.due_date) from milestones as m where m.commitment_id = $commitment_id) as dated_milestones,
        (select count(*) from milestone_status as s where s.commitment_id = $commitment_id) as status_rows,
        (select count(*) from datasets as d where d.commitment_id = $commitment_id) as datasets,
        (select count(*) from learning_events as e where e.commitment_id = $commitment_id) as learning_rows,
    from record as c
    left join jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
)

select * from final
