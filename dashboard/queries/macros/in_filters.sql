-- True when the global filters keep a row: its jurisdiction, level and (where the row has one) cycle are among those chosen.
-- Params: none (a macro: defined in every snapshot's schema when the query layer binds it; a query calls it with its own $parameters)
-- in_filters(jurisdictions, levels, jurisdiction_id, level[, cycles, cycle]): an empty choice keeps
-- every row, so a query passes $jurisdictions, $levels (and $cycles) as the pages give them, e.g.
--     where in_filters($jurisdictions, $levels, r.jurisdiction_id, r.level, $cycles, r.cycle)
-- Without cycles the cycle is not looked at. A chosen value is compared as a value, never spliced.
create macro in_filters(jurisdictions, levels, jurisdiction_id, level, cycles := [], cycle := null) as
    (len(jurisdictions) = 0 or list_contains(jurisdictions, jurisdiction_id))
    and (len(levels) = 0 or list_contains(levels, level))
    and (len(cycles) = 0 or list_contains(cycles, cycle))
