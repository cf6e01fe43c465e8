-- The choices offered by the global filters: every jurisdiction (with its level) and every action-plan cycle.
-- Params: none
-- Cycles are read from the commitments_by_status rollup.
with jurisdiction_options as (
    select
        'jurisdiction' as kind,
        j.jurisdiction_id as value,
        j.name_en as label_en,
        coalesce(j.name_fr, j.name_en) as label_fr,
        j.level as level,
    from jurisdictions as j
),

cycle_options as (
    select distinct
        'cycle' as kind,
        r.cycle as value,
        r.cycle as label_en,
        r.cycle as label_fr,
        null as level,
    from commitments_by_status as r
),

final as (
    select * from jurisdiction_options
    union all
    select * from cycle_options
)

select * from final
order by kind desc, label_en
