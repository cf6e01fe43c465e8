-- One commitment's milestones with their latest status, due date, indicators and latest reporting period, and the as-of date they are read against.
-- Params: $commitment_id, $as_of
-- days_overdue = $as_of - due_date (negative: days left; null: no due date). overdue is true
-- when the due date has passed and the milestone is not complete (withdrawn never is).
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
        coalesce(i.indicators, 0) as indicators,
        l.latest_period,
        coalesce(l.periods_reported, 0) as periods_reported,
        p.as_of,
        p.as_of - m.due_date as days_overdue,
        coalesce(
            m.due_date < p.as_of
            and coalesce(m.progress_rank, -1) < 3
            and m.progress is distinct from 'withdrawn',
            false
        ) as overdue,
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
