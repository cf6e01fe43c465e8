-- Every jurisdiction's action plans, one row per (jurisdiction, cycle), with the plan's place in that jurisdiction's own sequence.
-- Params: none (a rollup: written beside the tables when a snapshot is built)
-- plan_number is the member's own number for the plan (1 = its first action plan):
--   stated:  a source states it. OGP numbers each member's plans, and its action-plan id ends with
--            the number (AP_ALB04 is Albania's 4th plan: the export's "Action Plan Number"); the NAP
--            tracker's connector writes Canada's napN the same way (AP_CAN04). Rows of one plan that
--            state different numbers state none.
--   counted: no source states it. The plan is numbered by counting plans, ordered by start and end
--            year, from the nearest plan of the same jurisdiction that has a stated number (before
--            it, else after it), or from the jurisdiction's first plan in the snapshot when none has.
--            A count that would fall below 1 leaves plan_number null.
-- Counting assumes the snapshot holds every plan between the two; the stated number never does,
-- which is why it wins: the OGP export is a subset (Indonesia's first plan in it is its 3rd).
with stated_per_row as (
    select
        jurisdiction_id,
        cycle,
        cycle_start,
        cycle_end,
        try_cast(regexp_extract(action_plan_id, '^AP_[A-Z]+([0-9]+)$', 1) as integer) as stated,
    from commitments
),

plans as (
    select
        jurisdiction_id,
        cycle,
        min(cycle_start) as cycle_start,
        max(cycle_end) as cycle_end,
        case when min(stated) = max(stated) then min(stated) end as stated,
    from stated_per_row
    group by jurisdiction_id, cycle
),

placed as (
    select
        *,
        row_number() over (partition by jurisdiction_id order by cycle_start, cycle_end, cycle) as place,
    from plans
),

anchored as (
    select
        *,
        -- plan_number - place, carried from the nearest plan with a stated number
        last_value(stated - place ignore nulls) over (
            partition by jurisdiction_id order by place rows between unbounded preceding and current row
        ) as offset_before,
        first_value(stated - place ignore nulls) over (
            partition by jurisdiction_id order by place rows between current row and unbounded following
        ) as offset_after,
    from placed
),

final as (
    select
        jurisdiction_id,
        cycle,
        cycle_start,
        cycle_end,
        case
            when stated is not null then stated
            when place + coalesce(offset_before, offset_after, 0) >= 1
                then place + coalesce(offset_before, offset_after, 0)
        end as plan_number,
        case when stated is not null then 'stated' else 'counted' end as plan_number_basis,
    from anchored
)

select * from final
order by jurisdiction_id, cycle_start, cycle_end, cycle
