-- True when a date falls in the range the filters give: both ends inclusive, a null end leaving that side open.
-- Params: none (a macro: defined in every snapshot's schema when the query layer binds it; a query calls it with its own $parameters)
-- in_date_range(day, date_from, date_to), e.g. where in_date_range(d.published, p.date_from, p.date_to).
-- A null day is kept only when both ends are open.
create macro in_date_range(day, date_from, date_to) as
    (date_from is null or day >= date_from)
    and (date_to is null or day <= date_to)
