-- One page of commitments matching the filters, the chosen progress values and a search text, with the total that match.
-- Params: $jurisdictions, $levels, $cycles, $statuses, $q, $limit, $offset
-- $q matches, case-insensitively, anywhere in the commitment id, one of its aliases (another
-- source's id for it, e.g. CA-NAP4-C10 for CA0073) or its English or French title (a plain
-- substring: % and _ are ordinary characters); '' matches everything. An id or alias equal to $q
-- comes first, then by jurisdiction, latest cycle first, and id. total counts every matching
-- commitment, not just this page. $statuses empty = every progress value.
with params as (
    select
        lower(trim(coalesce($q, ''))) as q,
),

alias_hits as (
    select
        a.canonical_id as commitment_id,
        bool_or(lower(a.alias_id) = p.q) as exact_alias,
    from aliases as a
    cross join params as p
    where a.record = 'commitment'
        and p.q <> ''
        and strpos(lower(a.alias_id), p.q) > 0
    group by a.canonical_id
),

filtered as (
    select
        c.commitment_id,
        c.jurisdiction_id,
        j.name_en as jurisdiction_name_en,
        j.name_fr as jurisdiction_name_fr,
        c.cycle,
        c.cycle_start,
        c.title_en,
        c.title_fr,
        c.progress,
        c.progress_rank,
        c.status_code,
        c.status_vocab,
        c.synthetic,
        lower(c.commitment_id) = p.q or coalesce(h.exact_alias, false) as exact_id,
    from commitments as c
    cross join params as p
    left join jurisdictions as j
        on j.jurisdiction_id = c.jurisdiction_id
    left join alias_hits as h
        on h.commitment_id = c.commitment_id
    where in_filters($jurisdictions, $levels, c.jurisdiction_id, j.level, $cycles, c.cycle)
        and (len($statuses) = 0 or list_contains($statuses, c.progress))
        and (
            p.q = ''
            or strpos(lower(c.commitment_id), p.q) > 0
            or h.commitment_id is not null
            or strpos(lower(coalesce(c.title_en, '')), p.q) > 0
            or strpos(lower(coalesce(c.title_fr, '')), p.q) > 0
        )
),

final as (
    select
        commitment_id,
        jurisdiction_id,
        jurisdiction_name_en,
        jurisdiction_name_fr,
        cycle,
        title_en,
        title_fr,
        progress,
        progress_rank,
        status_code,
        status_vocab,
        synthetic,
        count(*) over () as total,
        exact_id,
        cycle_start,
    from filtered
)

select * exclude (exact_id, cycle_start) from final
order by exact_id desc, jurisdiction_id, cycle_start desc, commitment_id
limit $limit
offset $offset
