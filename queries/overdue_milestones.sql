-- Milestones that need attention on $as_of: overdue, stalled, or due soon and not yet substantial; most overdue first.
-- Params: $as_of, $stale_periods, $horizon_days, $jurisdictions, $levels, $cycles, $limit
-- reason is the first that applies:
--   overdue   due_date < $as_of and not complete (progress_rank < 3 or null)
--   stalled   the same status in the last $stale_periods or more reporting periods, not complete
--   due_soon  due within $horizon_days of $as_of (inclusive) and not substantial (rank < 2 or null)
-- Withdrawn milestones are never listed: nothing more is expected of them.
-- periods_unchanged counts the milestone's latest reporting periods (in milestone_status)
-- that show the status of its latest one. Sources that report per indicator are read per
-- indicator, and the milestone takes the fewest among the indicators reported in its latest
-- period. days_overdue = $as_of - due_date (negative: days left). $limit null = all rows.
-- Reads the milestone_runs rollup (each milestone's latest period and unchanged run).
with params as (
    select
        cast($as_of as date) as as_of,
        cast($stale_periods as integer) as stale_periods,
        cast($horizon_days as integer) as horizon_days,
),

candidates as (
    select
        m.milestone_id,
        m.commitment_id,
        c.jurisdiction_id,
        j.name_en as jurisdiction_name_en,
        j.name_fr as jurisdiction_name_fr,
        j.level,
        c.cycle,
        m.title_en,
        m.title_fr,
        c.title_en as commitment_title_en,
        c.title_fr as commitment_title_fr,
        m.due_date,
        p.as_of - m.due_date as days_overdue,
        m.progress,
        m.progress_rank,
        m.status_code,
        m.status_vocab,
        r.latest_period,
        r.periods_unchanged,
        case
            when m.due_date < p.as_of
                and coalesce(m.progress_rank, -1) < 3
                then 'overdue'
            when r.periods_unchanged >= p.stale_periods
                and coalesce(m.progress_rank, -1) < 3
                then 'stalled'
            when m.due_date >= p.as_of
                and m.due_date <= p.as_of + p.horizon_days
                and coalesce(m.progress_rank, -1) < 2
                then 'due_soon'
        end as reason,
        m.synthetic,
    from milestones as m
    cross join params as p
    left join commitments as c
        on c.commitment_id = m.commitment_id
    left join jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
    left join milestone_runs as r
        on r.milestone_id = m.milestone_id
    where m.progress is distinct from 'withdrawn'
        and (len($jurisdictions) = 0 or list_contains($jurisdictions, c.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
        and (len($cycles) = 0 or list_contains($cycles, c.cycle))
),

final as (
    select *
    from candidates
    where reason is not null
)

select * from final
order by days_overdue desc nulls last, milestone_id
limit $limit
