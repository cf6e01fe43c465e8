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
-- Reads the milestones_for_attention rollup (each milestone joined to its commitment, jurisdiction
-- and milestone_runs values when the snapshot was built).
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
        m.jurisdiction_id,
        m.jurisdiction_name_en,
        m.jurisdiction_name_fr,
        m.level,
        m.cycle,
        m.title_en,
        m.title_fr,
        m.commitment_title_en,
        m.commitment_title_fr,
        m.due_date,
        p.as_of - m.due_date as days_overdue,
        m.progress,
        m.progress_rank,
        m.status_code,
        m.status_vocab,
        m.latest_period,
        m.periods_unchanged,
        case
            when m.due_date < p.as_of
                and coalesce(m.progress_rank, -1) < 3
                then 'overdue'
            when m.periods_unchanged >= p.stale_periods
                and coalesce(m.progress_rank, -1) < 3
                then 'stalled'
            when m.due_date >= p.as_of
                and m.due_date <= p.as_of + p.horizon_days
                and coalesce(m.progress_rank, -1) < 2
                then 'due_soon'
        end as reason,
        m.synthetic,
    from milestones_for_attention as m
    cross join params as p
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, m.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, m.level))
        and (len($cycles) = 0 or list_contains($cycles, m.cycle))
),

final as (
    select *
    from candidates
    where reason is not null
)

select * from final
order by days_overdue desc nulls last, milestone_id
limit $limit
