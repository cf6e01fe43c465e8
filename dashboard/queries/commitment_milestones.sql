-- One commitment's milestones with their latest status, due date, indicators and latest reporting period, and the as-of date they are read against.
-- Params: $commitment_id, $as_of
-- days_overdue = $as_of - due_date (negative: days left; null: no due date). past_due is the macro
-- past_due_state (dashboard/progress.py): 'overdue' (a reported status that is not complete, past
-- due; withdrawn never is), 'past_due_unreported' (no reported status, past due), else null; overdue
-- is past_due = 'overdue'. indicators_total / indicators_reported: how many indicators the status is
-- built from and how many reported (null where the source reports the milestone itself); indicators
-- counts the milestone's rows in indicators.
-- Ordered by milestone id in natural order (10.2 before 10.10).
with params as (
    select
        cast($as_of as date) as as_of,
),

indicator_counts as (
    select
        milestone_id,
        count(*) as indicators,
    from indicators
    where commitment_id = $commitment_id
    group by milestone_id
),

latest as (
    select
        milestone_id,
        max(reporting_period) as latest_period,
        count(distinct reporting_period) as periods_reported,
    from milestone_status
    where commitment_id = $commitment_id
    group by milestone_id
),

final as (
    select
        m.milestone_id,
        m.commitment_id,
        m.title_en,
        m.title_fr,
        m.lead_dept,
        m.start_date,
        m.due_date,
        m.deadline_text_en,
        m.deadline_text_fr,
        m.progress,
        m.progress_rank,
        m.status_code,
        m.status_vocab,
        m.indicators_total,
        m.indicators_reported,
        coalesce(i.indicators, 0) as indicators,
        l.latest_period,
        coalesce(l.periods_reported, 0) as periods_reported,
        p.as_of,
        p.as_of - m.due_date as days_overdue,
        past_due_state(m.due_date, m.progress, p.as_of) as past_due,
        coalesce(past_due_state(m.due_date, m.progress, p.as_of) = 'overdue', false) as overdue,
        m.source,
        m.synthetic,
    from milestones as m
    cross join params as p
    left join indicator_counts as i
        on i.milestone_id = m.milestone_id
    left join latest as l
        on l.milestone_id = m.milestone_id
    where m.commitment_id = $commitment_id
)

select * from final
order by
    list_transform(
        regexp_extract_all(milestone_id, '\d+|\D+'),
        lambda x: case when regexp_full_match(x, '\d+') then lpad(x, 12, '0') else x end
    ),
    milestone_id
