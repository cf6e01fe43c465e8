-- Milestones that need attention on $as_of (overdue, stalled, due soon), then those past due with no status reported; most overdue first within each.
-- Params: $as_of, $stale_periods, $horizon_days, $jurisdictions, $levels, $cycles, $limit
-- reason is the first that applies (the macro attention_reason, from dashboard/progress.py):
--   overdue              a reported status that is not complete, and due_date < $as_of
--   stalled              a reported status, not complete, the same in the last $stale_periods or more periods
--   due_soon             due within $horizon_days of $as_of (inclusive), reported status below substantial
--   past_due_unreported  no reported status, and due_date < $as_of: a neutral category, never overdue
-- Withdrawn and complete milestones are never listed. A milestone with no reported status is
-- neither overdue, stalled nor due soon: nothing was reported about it.
-- periods_unchanged counts the milestone's latest reporting periods (in milestone_status)
-- that show the status of its latest one. Sources that report per indicator are read per
-- indicator, and the milestone takes the fewest among the indicators reported in its latest
-- period. days_overdue = $as_of - due_date (negative: days left). indicators_total and
-- indicators_reported: how many indicators the status is built from and how many reported
-- (null where the source reports the milestone itself). $limit null = all rows.
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
        m.indicators_total,
        m.indicators_reported,
        m.latest_period,
        m.periods_unchanged,
        attention_reason(
            m.due_date, m.progress, m.progress_rank, m.periods_unchanged,
            p.as_of, p.stale_periods, p.horizon_days
        ) as reason,
        m.synthetic,
    from milestones_for_attention as m
    cross join params as p
    where in_filters($jurisdictions, $levels, m.jurisdiction_id, m.level, $cycles, m.cycle)
),

final as (
    select *
    from candidates
    where reason is not null
)

select * from final
order by attention_order(reason), days_overdue desc nulls last, milestone_id
limit $limit
