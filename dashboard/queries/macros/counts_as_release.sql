-- True when a dataset counts as released in the period the filters give: with no period always, with one only when no catalogue load put it in the catalogue.
-- Params: none (a macro: defined in every snapshot's schema when the query layer binds it; a query calls it with its own $parameters)
-- counts_as_release(catalogue_load, date_from, date_to), e.g.
--     where counts_as_release(d.catalogue_load, p.date_from, p.date_to)
-- A catalogue load (a migration or federation; dashboard/releases.py) dates records by when they
-- were loaded, not released, so a period asked for never counts them as its releases.
create macro counts_as_release(catalogue_load, date_from, date_to) as
    not catalogue_load or (date_from is null and date_to is null)
