-- One commitment's reported statuses: one row per milestone (or indicator, where the source reports per indicator) and reporting period.
-- Params: $commitment_id
-- series_id is the indicator id where there is one, else the milestone id. progress_en/fr
-- are the source's own words on progress in that period, where it gives them; source names the
-- source that gave the row (a chart's caption cites only those).
with commitment_milestones as (
    -- Only this commitment's milestones: the table is sorted on commitment_id, so this reads a
    -- row group or two instead of building a hash table of every milestone.
    select
        milestone_id,
        title_en,
        title_fr,
    from milestones
    where commitment_id = $commitment_id
),

final as (
    select
        s.commitment_id,
        s.milestone_id,
        s.indicator_id,
        coalesce(s.indicator_id, s.milestone_id) as series_id,
        m.title_en as milestone_title_en,
        m.title_fr as milestone_title_fr,
        s.reporting_period,
        s.period_date,
        s.progress,
        s.progress_rank,
        s.status_code,
        s.status_vocab,
        s.progress_en,
        s.progress_fr,
        s.source,
        s.synthetic,
    from milestone_status as s
    left join commitment_milestones as m
        on m.milestone_id = s.milestone_id
    where s.commitment_id = $commitment_id
)

select * from final
order by series_id, period_date
