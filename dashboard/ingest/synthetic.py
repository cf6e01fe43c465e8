"""Seeded, vectorised generator of demonstration volume; every row it makes has synthetic=True."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import progress, schema
from dashboard.members import JURISDICTIONS
from dashboard.ingest.common import Source, validate_table

DEFAULT_SEED = 2026
# The generator's "today": overdue and not-yet-reviewed are judged against this date, never the
# wall clock, so one seed always gives the same snapshot.
DEFAULT_AS_OF = dt.date(2026, 11, 22)
ID_PREFIX = "SYN-"  # generated commitment ids; dataset ids start "syn-"


@dataclass(frozen=True)
class Scale:
    commitments: int
    milestones: int
    status_rows: int
    datasets: int
    learning_rows: int
    jurisdictions: int | None  # how many of JURISDICTIONS to use; None for all


SCALES: dict[str, Scale] = {
    "small": Scale(240, 1_200, 4_800, 5_000, 1_500, jurisdictions=18),
    "world": Scale(6_000, 30_000, 120_000, 100_000, 50_000, jurisdictions=None),
    "world-x20": Scale(120_000, 600_000, 2_400_000, 2_000_000, 1_000_000, jurisdictions=None),
}

# ---------------------------------------------------------------- real names the generator draws on

# The OGP members themselves, with their names in both languages: dashboard/members.py.
# Reference jurisdictions get no generated commitments (their commitments are real rows).
REFERENCE_JURISDICTIONS = ("ca", "ca-qc")
FRANCOPHONE = {"ca-qc", "fra", "frpa", "sen", "civ", "bfa", "mar", "tun", "lux"}
# Canada's tracker uses NAP codes; so do these, to give both milestone vocabularies volume.
NAP_TRACKER = {"ca-on", "ukr", "ken", "gbr", "gbsc", "esmd", "aus", "nzl", "irl", "usat", "krse"}

# (portal, jurisdiction, share of datasets, licence, title languages)
PORTALS: list[tuple[str, str, float, str, str]] = [
    ("open.canada.ca", "ca", 30.0, "ca-ogl-lgo", "en+fr"),
    ("donneesquebec.ca", "ca-qc", 8.0, "cc-by-4.0", "fr"),
    ("data.ontario.ca", "ca-on", 3.0, "ogl-ontario", "en+fr"),
    ("data.gouv.fr", "fra", 12.0, "lov2", "fr"),
    ("data.gov.ua", "ukr", 6.0, "cc-by-4.0", "en"),
    ("datos.gob.mx", "mex", 5.0, "cc-by-4.0", "en"),
    ("opendata.go.ke", "ken", 1.0, "cc-by-4.0", "en"),
    ("data.gov.ph", "phl", 1.0, "cc-by-4.0", "en"),
    ("datos.gob.cl", "chl", 2.0, "cc-by-4.0", "en"),
    ("data.gov.uk", "gbr", 10.0, "uk-ogl", "en"),
    ("data.buenosaires.gob.ar", "arba", 1.0, "cc-by-2.5-ar", "en"),
    ("datos.madrid.es", "esmd", 1.0, "cc-by-4.0", "en"),
    ("opendata.paris.fr", "frpa", 1.0, "odc-odbl", "fr"),
    ("datos.gob.es", "esp", 6.0, "cc-by-4.0", "en"),
    ("dados.gov.br", "bra", 4.0, "cc-by-4.0", "en"),
    ("datos.gov.co", "col", 3.0, "cc-by-sa-4.0", "en"),
    ("catalog.data.gov", "usa", 12.0, "us-pd", "en"),
    ("data.gov.ie", "irl", 2.0, "cc-by-4.0", "en"),
    ("govdata.de", "deu", 5.0, "dl-de-by-2.0", "en"),
    ("dati.gov.it", "ita", 4.0, "cc-by-4.0", "en"),
    ("data.norge.no", "nor", 1.0, "nlod-2.0", "en"),
    ("data.gov.au", "aus", 4.0, "cc-by-4.0", "en"),
    ("data.govt.nz", "nzl", 1.0, "cc-by-4.0", "en"),
    ("data.go.kr", "kor", 5.0, "kogl-1", "en"),
    ("data.seoul.go.kr", "krse", 1.0, "kogl-1", "en"),
    ("data.go.id", "idn", 2.0, "cc-by-4.0", "en"),
    ("data.austintexas.gov", "usat", 1.0, "us-pd", "en"),
]

# Organizations per portal: (slug, title_en, title_fr, portal_jurisdiction). Canada and Québec are
# real publishers on those portals; other portals share a generic list.
ORGANIZATIONS: dict[str, list[tuple[str, str | None, str | None, str]]] = {
    "open.canada.ca": [
        ("statcan", "Statistics Canada", "Statistique Canada", "federal"),
        ("nrcan-rncan", "Natural Resources Canada", "Ressources naturelles Canada", "federal"),
        ("eccc", "Environment and Climate Change Canada", "Environnement et Changement climatique Canada", "federal"),
        ("aafc-aac", "Agriculture and Agri-Food Canada", "Agriculture et Agroalimentaire Canada", "federal"),
        ("dfo-mpo", "Fisheries and Oceans Canada", "Pêches et Océans Canada", "federal"),
        ("tbs-sct", "Treasury Board of Canada Secretariat", "Secrétariat du Conseil du Trésor du Canada", "federal"),
        ("hc-sc", "Health Canada", "Santé Canada", "federal"),
        ("tc", "Transport Canada", "Transports Canada", "federal"),
        ("esdc-edsc", "Employment and Social Development Canada", "Emploi et Développement social Canada", "federal"),
        ("ircc", "Immigration, Refugees and Citizenship Canada", "Immigration, Réfugiés et Citoyenneté Canada", "federal"),
        ("csps-efpc", "Canada School of Public Service", "École de la fonction publique du Canada", "federal"),
        ("pco-bcp", "Privy Council Office", "Bureau du Conseil privé", "federal"),
    ],
    "donneesquebec.ca": [
        ("ville-de-montreal", None, "Ville de Montréal", "municipal"),
        ("ville-de-quebec", None, "Ville de Québec", "municipal"),
        ("ville-de-gatineau", None, "Ville de Gatineau", "municipal"),
        ("ville-de-sherbrooke", None, "Ville de Sherbrooke", "municipal"),
        ("institut-de-la-statistique-du-quebec", None, "Institut de la statistique du Québec", "provincial"),
        ("ministere-des-transports", None, "Ministère des Transports et de la Mobilité durable", "provincial"),
        ("secretariat-du-conseil-du-tresor", None, "Secrétariat du Conseil du trésor", "provincial"),
        ("banq", None, "Bibliothèque et Archives nationales du Québec", "provincial"),
        ("ministere-de-l-environnement", None,
         "Ministère de l'Environnement, de la Lutte contre les changements climatiques, de la Faune et des Parcs",
         "provincial"),
    ],
    "*": [
        ("ministry-of-finance", "Ministry of Finance", "Ministère des Finances", "national"),
        ("national-statistics-office", "National Statistics Office", "Office national de la statistique", "national"),
        ("ministry-of-health", "Ministry of Health", "Ministère de la Santé", "national"),
        ("ministry-of-environment", "Ministry of Environment", "Ministère de l'Environnement", "national"),
        ("ministry-of-transport", "Ministry of Transport", "Ministère des Transports", "national"),
        ("ministry-of-education", "Ministry of Education", "Ministère de l'Éducation", "national"),
        ("public-procurement-agency", "Public Procurement Agency", "Agence des marchés publics", "national"),
        ("city-council", "City Council", "Conseil municipal", "municipal"),
    ],
}

POLICY_AREAS: list[tuple[str, str]] = [
    ("Access to Information", "Accès à l'information"),
    ("Anti-Corruption", "Lutte contre la corruption"),
    ("Capacity Building", "Renforcement des capacités"),
    ("Civic Space", "Espace civique"),
    ("Digital Governance", "Gouvernance numérique"),
    ("E-Government", "Administration électronique"),
    ("Fiscal Openness", "Transparence budgétaire"),
    ("Gender", "Genre"),
    ("Justice", "Justice"),
    ("Marginalized Communities", "Communautés marginalisées"),
    ("Open Contracting", "Contrats ouverts"),
    ("Open Data", "Données ouvertes"),
    ("Public Participation", "Participation du public"),
    ("Public Service Delivery", "Prestation des services publics"),
    ("Records Management", "Gestion des documents"),
]
COMMITMENT_VERBS: list[tuple[str, str]] = [
    ("Publish", "Publier"), ("Open up", "Ouvrir"), ("Strengthen", "Renforcer"), ("Modernise", "Moderniser"),
    ("Co-create", "Co-créer"), ("Expand", "Élargir"), ("Monitor", "Suivre"), ("Reform", "Réformer"),
]
COMMITMENT_OBJECTS: list[tuple[str, str]] = [
    ("public procurement data", "les données sur les marchés publics"),
    ("beneficial ownership registers", "les registres des bénéficiaires effectifs"),
    ("budget information", "l'information budgétaire"),
    ("access to information requests", "les demandes d'accès à l'information"),
    ("public consultations", "les consultations publiques"),
    ("open data standards", "les normes de données ouvertes"),
    ("lobbying disclosures", "les déclarations des lobbyistes"),
    ("service delivery feedback", "la rétroaction sur les services"),
    ("environmental permits", "les permis environnementaux"),
    ("court decisions", "les décisions judiciaires"),
    ("extractives revenue reporting", "les déclarations de revenus des industries extractives"),
    ("algorithmic decision-making oversight", "la surveillance des décisions automatisées"),
]
INSTITUTIONS = ["Ministry of Finance", "Ministry of Justice", "Office of the Prime Minister",
                "Ministry of Digital Affairs", "Supreme Audit Institution", "National Statistics Office",
                "Public Procurement Agency", "Information Commissioner"]
LOCAL_INSTITUTIONS = ["Mayor's Office", "City Council", "Regional Government", "Municipal Data Office"]
MILESTONE_ACTIONS: list[tuple[str, str]] = [
    ("Publish a progress report", "Publier un rapport d'étape"),
    ("Hold public consultations", "Tenir des consultations publiques"),
    ("Draft the regulation", "Rédiger le règlement"),
    ("Adopt the policy", "Adopter la politique"),
    ("Launch the online platform", "Lancer la plateforme en ligne"),
    ("Train public officials", "Former les fonctionnaires"),
    ("Release the first datasets", "Publier les premiers jeux de données"),
    ("Evaluate the pilot", "Évaluer le projet pilote"),
    ("Set up a multi-stakeholder forum", "Créer un forum multipartite"),
    ("Agree on a data standard", "Convenir d'une norme de données"),
]
INDICATOR_TEXTS: list[tuple[str, str]] = [
    ("Report published", "Rapport publié"),
    ("Terms of reference agreed", "Mandat convenu"),
    ("Datasets released", "Jeux de données publiés"),
    ("Consultation summary published", "Résumé de la consultation publié"),
    ("Officials trained", "Fonctionnaires formés"),
]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre"]
CYCLES = [(2012, 2014), (2014, 2016), (2016, 2018), (2018, 2020), (2020, 2022), (2021, 2023), (2022, 2024),
          (2023, 2025), (2024, 2028)]
FIRST_LOCAL_CYCLE = 2  # OGP's local programme began with the 2016 pilot

# Milestone status levels: 0..3 on the way to done, then the two tracker-only endings.
NOT_STARTED, LIMITED, SUBSTANTIAL, DONE, STUCK, INCOMPLETE = range(6)
STATUS_CODES = {
    "ogp-tracker": ["Not started", "In progress", "In progress", "Finished", "Stuck", "Incomplete"],
    "nap": ["NS", "LP", "SP", "C", "LP", "LP"],
}
MILESTONE_VOCABS = ["ogp-tracker", "nap"]
PROGRESS_TEXT: list[tuple[str, str]] = [
    ("Work has not started.", "Les travaux n'ont pas commencé."),
    ("Early work is under way.", "Les premiers travaux sont en cours."),
    ("Most of the work is done.", "L'essentiel des travaux est fait."),
    ("Completed.", "Terminé."),
    ("Blocked while approvals are pending.", "Bloqué en attendant des approbations."),
    ("Ended without being completed.", "Terminé sans être achevé."),
]
CHALLENGES: list[tuple[str, str]] = [
    ("Funding has not been confirmed.", "Le financement n'est pas confirmé."),
    ("Waiting for a legislative change.", "En attente d'une modification législative."),
    ("Staff turnover in the lead institution.", "Roulement du personnel dans l'institution responsable."),
    ("Procurement delays.", "Retards d'approvisionnement."),
]

IRM_COMPLETION = ["Not Started", "Limited", "Substantial", "Complete", "Withdrawn", "Unclear"]
IRM_IMPACT = ["None", "Minor", "Moderate", "Transformative"]
IRM_OPENED = ["Did Not Change", "Marginal", "Major", "Outstanding", "Worsens"]

DATASET_SUBJECTS: list[tuple[str, str]] = [
    ("air quality", "qualité de l'air"), ("road collisions", "collisions routières"),
    ("public contracts", "contrats publics"), ("grants and contributions", "subventions et contributions"),
    ("population estimates", "estimations de la population"), ("water levels", "niveaux d'eau"),
    ("hospital wait times", "temps d'attente à l'hôpital"), ("building permits", "permis de construction"),
    ("public transit ridership", "achalandage du transport en commun"), ("forest fires", "feux de forêt"),
    ("school enrolment", "effectifs scolaires"), ("travel and hospitality expenses", "frais de voyage et d'accueil"),
    ("access to information requests", "demandes d'accès à l'information"), ("employment", "emploi"),
]
DATASET_KINDS: list[tuple[str, str]] = [
    ("Annual statistics on", "Statistiques annuelles sur"), ("Monthly report on", "Rapport mensuel sur"),
    ("Inventory of", "Inventaire des données sur"), ("Map of", "Carte des données sur"),
    ("Register of", "Registre des données sur"),
]
FORMATS = ["CSV", "JSON", "XML", "XLSX", "PDF", "HTML", "GeoJSON", "SHP", "KML", "WMS", "ESRI REST", "ZIP"]
FORMAT_WEIGHTS = [30, 10, 6, 10, 8, 8, 6, 5, 3, 4, 3, 7]
FREQUENCIES = ["P1D", "P1W", "P1M", "P3M", "P1Y", "irregular", "as_needed", "not_planned"]
FREQUENCY_WEIGHTS = [3, 2, 10, 8, 25, 20, 20, 12]
FIRST_DATASET_DAY = dt.date(2015, 1, 1)
DATASET_GROWTH_PER_YEAR = 0.22  # releases per month grow about a fifth a year

EVENT_TYPES = ["course", "workshop", "webinar", "conference", "hackathon", "armchair discussion",
               "train-the-trainer"]
# The topics CA0047's report says learning events covered.
TOPICS = ["introduction to open government", "open data", "open information", "open dialogue",
          "open licensing", "open source", "open maps", "open policy making", "access to information",
          "data literacy"]
ORGANIZERS = {
    "ca": ["Canada School of Public Service", "Treasury Board of Canada Secretariat", "Privy Council Office"],
    "ca-qc": ["Secrétariat du Conseil du trésor", "Bibliothèque et Archives nationales du Québec",
              "Institut de la statistique du Québec"],
}
FIRST_LEARNING_MONTH = dt.date(2016, 1, 1)

# metric (named as the portal-metrics connector names open.canada.ca's) -> typical daily value
METRICS = {"total_visits": 9_000.0, "total_downloads": 2_500.0}
FIRST_METRIC_DAY = dt.date(2018, 1, 1)
MIN_AS_OF = dt.date(2018, 3, 31)  # every generated series needs some days before the as-of date

_EPOCH = np.datetime64("1970-01-01", "D")


class UnknownScale(ValueError):
    """A scale name that SCALES does not define."""


# ---------------------------------------------------------------- public entry points

def read(source: Source) -> dict[str, pa.Table]:
    """Return generated tables for the source's options (seed, scale, as_of, tables), each validated."""
    opts = source.options
    seed = opts.get("seed", DEFAULT_SEED)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise source.error("option `seed` must be a non-negative whole number", column="seed", value=seed)
    scale = opts.get("scale", "small")
    if scale not in SCALES:
        raise source.error(f"option `scale` must be one of {', '.join(SCALES)}", column="scale", value=scale)
    as_of = _as_date(opts.get("as_of", DEFAULT_AS_OF))
    if as_of is None or as_of < MIN_AS_OF:
        raise source.error(f"option `as_of` must be a date (YYYY-MM-DD) from {MIN_AS_OF} on", column="as_of",
                           value=opts.get("as_of"))
    wanted = opts.get("tables", list(schema.TABLES))
    if not isinstance(wanted, list) or any(t not in schema.TABLES for t in wanted):
        raise source.error(f"option `tables` must list tables among {', '.join(schema.TABLES)}",
                           column="tables", value=wanted)
    tables = generate(scale, seed=seed, as_of=as_of, source_name=source.name)
    return {name: validate_table(name, tables[name], source=source, file=f"generated {name}") for name in wanted
            if name in tables}  # nothing is generated for the linking tables (aliases, conflicts, field_sources)


def generate(scale: str | Scale, *, seed: int = DEFAULT_SEED, as_of: dt.date = DEFAULT_AS_OF,
             source_name: str = "synthetic") -> dict[str, pa.Table]:
    """Return every table of the schema, generated for `scale`; the same arguments give the same tables."""
    size = scale if isinstance(scale, Scale) else scale_of(scale)
    if as_of < MIN_AS_OF:
        raise ValueError(f"as_of {as_of} is before {MIN_AS_OF}, the earliest date the generator fills")
    gen = _Generator(size, seed=seed, as_of=as_of, source_name=source_name)
    return gen.tables()


def scale_of(name: str) -> Scale:
    """Return the Scale named `name` in SCALES; UnknownScale when there is none."""
    try:
        return SCALES[name]
    except KeyError:
        raise UnknownScale(f"unknown scale {name!r} (expected one of: {', '.join(SCALES)})") from None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


# ---------------------------------------------------------------- vectorised helpers

def _strings(values: Sequence[str | None]) -> pa.Array:
    return pa.array(list(values), pa.string())


def _take(values: Sequence[str | None] | pa.Array, index: np.ndarray) -> pa.Array:
    arr = values if isinstance(values, pa.Array) else _strings(values)
    return arr.take(pa.array(index, pa.int32()))


def _join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string arrays and literals element-wise; a null part makes a null result."""
    return pc.binary_join_element_wise(*parts, "")


def _numbered(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width=width, padding="0")


def _date_array(days: np.ndarray) -> pa.Array:
    """Days since 1970-01-01 as a date32 array."""
    return pc.cast(pa.array(days.astype(np.int32)), pa.date32())


def _days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _month_first_day(month_index: np.ndarray) -> np.ndarray:
    """Months counted from year 0 (year*12 + month-1) -> days since epoch of the month's first day."""
    months = (month_index - 1970 * 12).astype("timedelta64[M]")
    return (np.datetime64("1970-01", "M") + months).astype("datetime64[D]").astype(np.int64)


def _month_last_day(month_index: np.ndarray) -> np.ndarray:
    return _month_first_day(month_index + 1) - 1


def _month_of(days: np.ndarray) -> np.ndarray:
    """Days since epoch -> months counted from year 0."""
    months = (_EPOCH + days.astype("timedelta64[D]")).astype("datetime64[M]").astype(np.int64)
    return months + 1970 * 12


def _month_text(month_index: np.ndarray, names: list[str]) -> pa.Array:
    return _join(_take(names, month_index % 12), " ", pc.cast(pa.array(month_index // 12), pa.string()))


def _period_text(month_index: np.ndarray) -> pa.Array:
    """"YYYY-MM" for months counted from year 0."""
    return _join(pc.cast(pa.array(month_index // 12), pa.string()), "-", _numbered(month_index % 12 + 1, 2))


def _group_offsets(counts: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets


def _position_in_group(counts: np.ndarray) -> np.ndarray:
    """For groups laid end to end, each element's 0-based position inside its group."""
    total = int(counts.sum())
    starts = np.repeat(_group_offsets(counts)[:-1], counts)
    return np.arange(total, dtype=np.int64) - starts


def _weighted(rng: np.random.Generator, n: int, weights: Sequence[float]) -> np.ndarray:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _pick_within(rng: np.random.Generator, group: np.ndarray, members_sorted: np.ndarray,
                 offsets: np.ndarray) -> np.ndarray:
    """For each element's group, a random member of that group (-1 where the group is empty)."""
    counts = (offsets[1:] - offsets[:-1])[group]
    has = counts > 0
    pick = np.full(len(group), -1, dtype=np.int64)
    k = (rng.random(int(has.sum())) * counts[has]).astype(np.int64)
    pick[has] = members_sorted[offsets[:-1][group[has]] + k]
    return pick


# ---------------------------------------------------------------- the generator

class _Generator:
    """Builds each table from its own random stream, so tables do not depend on each other's draws."""

    def __init__(self, size: Scale, *, seed: int, as_of: dt.date, source_name: str):
        self.size = size
        self.seed = seed
        self.as_of = as_of
        self.as_of_day = _days(as_of)
        self.as_of_month = as_of.year * 12 + as_of.month - 1
        self.source_name = source_name
        rows = JURISDICTIONS if size.jurisdictions is None else JURISDICTIONS[: size.jurisdictions]
        self.jur = rows
        self.jur_ids = [r[0] for r in rows]
        self.jur_index = {j: i for i, j in enumerate(self.jur_ids)}
        self.portals = [p for p in PORTALS if p[1] in self.jur_index]

    def _rng(self, table: str) -> np.random.Generator:
        salt = int.from_bytes(table.encode("utf-8")[:8].ljust(8, b"\0"), "little")
        return np.random.default_rng([self.seed, salt])

    def _provenance(self, n: int) -> dict[str, pa.Array]:
        return {"source": pa.repeat(pa.scalar(self.source_name), n) if n else pa.array([], pa.string()),
                "synthetic": pa.array(np.ones(n, dtype=bool))}

    def _table(self, name: str, columns: dict[str, Any]) -> pa.Table:
        target = schema.TABLES[name]
        n = len(next(iter(columns.values())))
        columns.update(self._provenance(n))
        arrays = []
        for fld in target:
            value = columns.get(fld.name)
            if value is None:
                arrays.append(pa.nulls(n, fld.type))
            else:
                arr = value if isinstance(value, (pa.Array, pa.ChunkedArray)) else pa.array(value)
                arrays.append(arr.cast(fld.type) if arr.type != fld.type else arr)
        return pa.Table.from_arrays(arrays, schema=target)

    def tables(self) -> dict[str, pa.Table]:
        out = {"jurisdictions": self.jurisdictions()}
        commitments, c = self.commitments()
        out["commitments"] = commitments
        milestones, status, indicators = self.milestones(c)
        out["milestones"], out["milestone_status"], out["indicators"] = milestones, status, indicators
        out["datasets"] = self.datasets(c)
        out["learning_events"] = self.learning_events(c)
        out["portal_metrics"] = self.portal_metrics()
        return out

    # ------------------------------------------------------------ jurisdictions

    def jurisdictions(self) -> pa.Table:
        cols = list(zip(*self.jur))
        names = ["jurisdiction_id", "name_en", "name_fr", "level", "country_code", "region", "parent_id"]
        data = {k: _strings(v) for k, v in zip(names, cols)}
        # A parent outside the chosen subset would dangle: drop the link rather than invent a row.
        data["parent_id"] = _strings([p if p in self.jur_index else None for p in cols[6]])
        return self._table("jurisdictions", data)

    # ------------------------------------------------------------ commitments

    def commitments(self) -> tuple[pa.Table, dict[str, Any]]:
        rng = self._rng("commitments")
        n = self.size.commitments
        eligible = [i for i, j in enumerate(self.jur) if j[0] not in REFERENCE_JURISDICTIONS]
        weights = [3.0 if self.jur[i][3] == "national" else 1.0 for i in eligible]
        jur = np.asarray(eligible)[_weighted(rng, n, weights)]
        is_local = np.array([self.jur[i][3] != "national" for i in range(len(self.jur))])[jur]

        # Cycles: no plan starts after the as-of year; local members start with the 2016 pilot.
        cycles = [c for c in CYCLES if c[0] <= self.as_of.year] or CYCLES[:1]
        cycle = rng.integers(0, len(cycles), n)
        local_first = min(FIRST_LOCAL_CYCLE, len(cycles) - 1)
        cycle = np.where(is_local, np.maximum(cycle, rng.integers(local_first, len(cycles), n)), cycle)
        cstart = np.array([c[0] for c in cycles], dtype=np.int16)[cycle]
        cend = np.array([c[1] for c in cycles], dtype=np.int16)[cycle]
        cycle_text = _take([f"{a}-{b}" for a, b in cycles], cycle)

        jur_ids = _strings(self.jur_ids)
        jur_upper = _strings([j.upper() for j in self.jur_ids])
        commitment_id = _join(ID_PREFIX, _take(jur_upper, jur), "-", _numbered(np.arange(1, n + 1), 6))
        jurisdiction_id = _take(jur_ids, jur)

        verb = rng.integers(0, len(COMMITMENT_VERBS), n)
        obj = rng.integers(0, len(COMMITMENT_OBJECTS), n)
        title_en = _join(_take([v[0] for v in COMMITMENT_VERBS], verb), " ",
                         _take([o[0] for o in COMMITMENT_OBJECTS], obj))
        title_fr = _join(_take([v[1] for v in COMMITMENT_VERBS], verb), " ",
                         _take([o[1] for o in COMMITMENT_OBJECTS], obj))
        francophone = np.array([j in FRANCOPHONE for j in self.jur_ids])[jur]
        has_fr = francophone | (rng.random(n) < 0.3)
        title_fr = pc.if_else(pa.array(has_fr), title_fr, pa.scalar(None, pa.string()))

        n_areas = rng.integers(1, 4, n)
        first_area = rng.integers(0, len(POLICY_AREAS), n)
        area_values = (np.repeat(first_area, n_areas) + _position_in_group(n_areas)) % len(POLICY_AREAS)
        policy_areas = pa.ListArray.from_arrays(pa.array(_group_offsets(n_areas).astype(np.int32)),
                                                _take([a[0] for a in POLICY_AREAS], area_values))
        description_en = _join("Generated demonstration commitment on ",
                               pc.utf8_lower(_take([a[0] for a in POLICY_AREAS], first_area)), ".")
        description_fr = pc.if_else(pa.array(has_fr), _join(
            "Engagement de démonstration généré : ", pc.utf8_lower(_take([a[1] for a in POLICY_AREAS], first_area)),
            "."), pa.scalar(None, pa.string()))
        lead = np.where(is_local, rng.integers(0, len(LOCAL_INSTITUTIONS), n) + len(INSTITUTIONS),
                        rng.integers(0, len(INSTITUTIONS), n))
        lead_institution = _take(INSTITUTIONS + LOCAL_INSTITUTIONS, lead)

        start_month = cstart.astype(np.int64) * 12 + rng.integers(0, 12, n)
        end_month = np.maximum(cend.astype(np.int64) * 12 + rng.integers(0, 12, n), start_month + 6)
        start_day = _month_first_day(start_month)
        end_day = _month_last_day(end_month)

        irm = self._irm(rng, n, cstart, end_day)
        c = {"n": n, "jur": jur, "id": commitment_id, "start_day": start_day, "end_day": end_day,
             "title_fr_present": has_fr, "lead": lead_institution}
        table = self._table("commitments", {
            "commitment_id": commitment_id, "jurisdiction_id": jurisdiction_id, "cycle": cycle_text,
            "cycle_start": pa.array(cstart), "cycle_end": pa.array(cend),
            "action_plan_id": _join(jurisdiction_id, "-", cycle_text),
            "title_en": title_en, "title_fr": title_fr, "description_en": description_en,
            "description_fr": description_fr, "lead_institution": lead_institution, "policy_areas": policy_areas,
            "start_date": _date_array(start_day), "end_date": _date_array(end_day), **irm,
        })
        return table, c

    def _irm(self, rng: np.random.Generator, n: int, cstart: np.ndarray, end_day: np.ndarray) -> dict[str, pa.Array]:
        """IRM ratings with ND/NR/NA kept apart: NA after the 2021 IRM refresh dropped mid-term ratings,
        NR while a plan is unfinished, ND for a random few the export simply lacks."""
        null = pa.scalar(None, pa.string())
        old_irm = cstart < 2020
        finished = end_day + 365 <= self.as_of_day  # the end-of-term report comes about a year after the plan ends

        impact = _weighted(rng, n, [0.1, 0.35, 0.4, 0.15])
        impact_nd = rng.random(n) < 0.04
        mid = _weighted(rng, n, [0.1, 0.4, 0.3, 0.15, 0.03, 0.02])
        mid_nd = rng.random(n) < 0.03
        step = rng.integers(0, 3, n)
        end = np.where(mid <= 3, np.minimum(mid + step, 3), mid)
        end = np.where(old_irm, end, _weighted(rng, n, [0.05, 0.3, 0.35, 0.25, 0.03, 0.02]))
        opened = _weighted(rng, n, [0.35, 0.4, 0.18, 0.05, 0.02])

        mid_present = old_irm & ~mid_nd
        mid_missing = np.where(old_irm, np.where(mid_nd, "ND", ""), "NA")
        end_present = finished
        end_missing = np.where(finished, "", "NR")
        impact_present = ~impact_nd
        starred_present = old_irm & impact_present & end_present
        starred = (impact == 3) & (end >= 2) & (end <= 3)
        starred_missing = np.where(starred_present, "", np.where(~old_irm, "NA", np.where(~impact_present, "ND", "NR")))

        def coded(values: list[str], index: np.ndarray, present: np.ndarray) -> pa.Array:
            return pc.if_else(pa.array(present), _take(values, index), null)

        def missing(codes: np.ndarray) -> pa.Array:
            arr = pa.array(codes, pa.string())
            return pc.if_else(pc.equal(arr, ""), null, arr)

        # The commitment's status: its end-of-term rating, else its mid-term one.
        status_index = np.where(end_present, end, mid)
        status_present = end_present | mid_present
        codes = IRM_COMPLETION
        prog = [progress.normalise(c, "irm") for c in codes]
        ranked = np.array([p.rank is not None for p in prog])  # withdrawn and unclear have no rank
        ranks = np.array([p.rank or 0 for p in prog], dtype=np.int16)
        return {
            "potential_impact": coded(IRM_IMPACT, impact, impact_present),
            "potential_impact_missing": missing(np.where(impact_present, "", "ND")),
            "completion_midterm": coded(codes, mid, mid_present),
            "completion_midterm_missing": missing(mid_missing),
            "completion_end_term": coded(codes, end, end_present),
            "completion_end_term_missing": missing(end_missing),
            "starred": pc.if_else(pa.array(starred_present), pa.array(starred), pa.scalar(None, pa.bool_())),
            "starred_missing": missing(starred_missing),
            "opened_government": coded(IRM_OPENED, opened, end_present),
            "opened_government_missing": missing(end_missing),
            "progress": coded([p.progress for p in prog], status_index, status_present),
            "progress_rank": pc.if_else(pa.array(status_present & ranked[status_index]),
                                        pa.array(ranks[status_index]), pa.scalar(None, pa.int16())),
            "status_code": coded(codes, status_index, status_present),
            "status_vocab": pc.if_else(pa.array(status_present), pa.scalar("irm"), null),
        }

    # ------------------------------------------------------------ milestones, their status history, indicators

    def milestones(self, c: dict[str, Any]) -> tuple[pa.Table, pa.Table, pa.Table]:
        rng = self._rng("milestones")
        n_c, n = c["n"], self.size.milestones
        # Every commitment gets one milestone, the rest fall at random: 1 to a dozen each.
        extra = rng.integers(0, n_c, max(n - n_c, 0))
        per_commitment = np.bincount(extra, minlength=n_c) + (1 if n >= n_c else 0)
        if n < n_c:
            per_commitment = np.bincount(rng.integers(0, n_c, n), minlength=n_c)
        owner = np.repeat(np.arange(n_c), per_commitment)
        seq = _position_in_group(per_commitment) + 1
        milestone_id = _join(c["id"].take(pa.array(owner)), "-M", _numbered(seq, 2))
        commitment_id = c["id"].take(pa.array(owner))

        action = rng.integers(0, len(MILESTONE_ACTIONS), n)
        title_en = _take([a[0] for a in MILESTONE_ACTIONS], action)
        has_fr = c["title_fr_present"][owner]
        title_fr = pc.if_else(pa.array(has_fr), _take([a[1] for a in MILESTONE_ACTIONS], action),
                              pa.scalar(None, pa.string()))
        lead_dept = c["lead"].take(pa.array(owner))

        c_start, c_end = c["start_day"][owner], c["end_day"][owner]
        span = np.maximum(c_end - c_start, 60)
        start_day = c_start + (rng.random(n) * span * 0.5).astype(np.int64)
        length = (rng.random(n) * 0.6 + 0.3) * span
        due_month = _month_of(start_day + length.astype(np.int64))
        due_day = _month_last_day(due_month)

        vocab = np.array([1 if j in NAP_TRACKER else 0 for j in self.jur_ids])[c["jur"][owner]]

        # ---- status history: quarterly reports, more of them for longer milestones
        n_s = self.size.status_rows
        if n_s < n:
            raise ValueError(f"scale needs at least one status row per milestone ({n_s} < {n})")
        weights = np.maximum(due_day - start_day, 90).astype(np.float64)
        reports = 1 + rng.multinomial(n_s - n, weights / weights.sum())
        first_quarter = (_month_of(start_day)) // 3
        last_allowed = self.as_of_month // 3
        first_quarter = np.minimum(first_quarter, last_allowed - reports + 1)
        row_owner = np.repeat(np.arange(n), reports)
        position = _position_in_group(reports)
        quarter = first_quarter[row_owner] + position
        period_month = quarter * 3
        period_day = _month_first_day(period_month)
        start_day = np.minimum(start_day, period_day[_group_offsets(reports)[:-1]])

        # Each milestone heads for a final level; a stalled one sits unchanged for its last periods.
        # Long-past milestones have mostly finished; recent ones are still under way.
        ending = np.where(due_day < self.as_of_day - 730, _weighted(rng, n, [0.03, 0.07, 0.15, 0.65, 0.05, 0.05]),
                          _weighted(rng, n, [0.10, 0.18, 0.24, 0.34, 0.09, 0.05]))
        overdue = due_day < self.as_of_day
        ending = np.where((ending == INCOMPLETE) & ~overdue, LIMITED, ending)
        stalled = (ending != DONE) & (rng.random(n) < 0.35)
        stall = np.where(stalled, np.minimum(reports - 1, rng.integers(3, 7, n)), 0)
        stall = np.where(ending == STUCK, np.maximum(stall, 1), stall)
        stall = np.where(ending == INCOMPLETE, 1, stall)
        climb_to = np.where(ending >= STUCK, LIMITED, ending)
        ramp = np.maximum(reports - stall, 1)
        level = np.floor(climb_to[row_owner] * np.minimum(1.0, (position + 1) / ramp[row_owner])).astype(np.int64)
        in_tail = position >= (reports - stall)[row_owner]
        special = ending[row_owner] >= STUCK
        level = np.where(special & in_tail, ending[row_owner], level)
        level = np.where(special & ~in_tail, np.minimum(level, LIMITED), level)

        row_vocab = vocab[row_owner]
        lookup = row_vocab * 6 + level
        code_list = STATUS_CODES["ogp-tracker"] + STATUS_CODES["nap"]
        readings = [progress.normalise(code, MILESTONE_VOCABS[i // 6]) for i, code in enumerate(code_list)]
        progress_list = [r.progress for r in readings]
        rank_list = np.array([r.rank for r in readings], dtype=np.int16)
        status_code = _take(code_list, lookup)
        status_vocab = _take(MILESTONE_VOCABS, row_vocab)
        is_stuck = level == STUCK
        challenge = rng.integers(0, len(CHALLENGES), n_s)
        modified_us = (period_day + 95 + rng.integers(0, 40, n_s)) * 86_400_000_000 + \
            rng.integers(0, 86_400, n_s) * 1_000_000
        modified_us = np.minimum(modified_us, (self.as_of_day + 1) * 86_400_000_000 - 1)
        status = self._table("milestone_status", {
            "commitment_id": commitment_id.take(pa.array(row_owner)),
            "milestone_id": milestone_id.take(pa.array(row_owner)),
            "reporting_period": _period_text(period_month),
            "period_date": _date_array(period_day),
            "progress": _take(progress_list, lookup),
            "progress_rank": pa.array(rank_list[lookup]),
            "status_code": status_code,
            "status_vocab": status_vocab,
            "progress_en": _take([p[0] for p in PROGRESS_TEXT], level),
            "progress_fr": _take([p[1] for p in PROGRESS_TEXT], level),
            "challenges_en": pc.if_else(pa.array(is_stuck), _take([x[0] for x in CHALLENGES], challenge),
                                        pa.scalar(None, pa.string())),
            "challenges_fr": pc.if_else(pa.array(is_stuck), _take([x[1] for x in CHALLENGES], challenge),
                                        pa.scalar(None, pa.string())),
            "record_modified": pc.cast(pa.array(modified_us), pa.timestamp("us")),
        })

        # The milestone's latest status is its last report.
        last = pa.array(_group_offsets(reports)[1:] - 1)
        milestones = self._table("milestones", {
            "milestone_id": milestone_id, "commitment_id": commitment_id, "title_en": title_en,
            "title_fr": title_fr, "lead_dept": lead_dept, "start_date": _date_array(start_day),
            "due_date": _date_array(due_day), "deadline_text_en": _month_text(due_month, MONTHS_EN),
            "deadline_text_fr": pc.if_else(pa.array(has_fr), _month_text(due_month, MONTHS_FR),
                                           pa.scalar(None, pa.string())),
            "progress": status.column("progress").take(last), "progress_rank": status.column("progress_rank").take(last),
            "status_code": status.column("status_code").take(last),
            "status_vocab": status.column("status_vocab").take(last),
        })
        indicators = self._indicators(rng, vocab == 1, milestone_id, commitment_id, title_fr.is_valid(),
                                      due_month, lead_dept)
        return milestones, status, indicators

    def _indicators(self, rng, nap: np.ndarray, milestone_id: pa.Array, commitment_id: pa.Array,
                    has_fr: pa.Array, due_month: np.ndarray, lead_dept: pa.Array) -> pa.Table:
        """NAP-style milestones carry 1-3 indicators each, due on or before their milestone."""
        counts = np.where(nap, rng.integers(1, 4, len(nap)), 0)
        owner = np.repeat(np.arange(len(nap)), counts)
        owner_arr = pa.array(owner)
        seq = _position_in_group(counts) + 1
        n = len(owner)
        text = rng.integers(0, len(INDICATOR_TEXTS), n)
        month = due_month[owner] - rng.integers(0, 7, n)
        fr = has_fr.take(owner_arr)
        return self._table("indicators", {
            "indicator_id": _join(milestone_id.take(owner_arr), ".", pc.cast(pa.array(seq), pa.string())),
            "milestone_id": milestone_id.take(owner_arr),
            "commitment_id": commitment_id.take(owner_arr),
            "title_en": _take([t[0] for t in INDICATOR_TEXTS], text),
            "title_fr": pc.if_else(fr, _take([t[1] for t in INDICATOR_TEXTS], text), pa.scalar(None, pa.string())),
            "due_date": _date_array(_month_last_day(month)),
            "deadline_text_en": _month_text(month, MONTHS_EN),
            "deadline_text_fr": pc.if_else(fr, _month_text(month, MONTHS_FR), pa.scalar(None, pa.string())),
            "lead_dept": lead_dept.take(owner_arr),
        })

    # ------------------------------------------------------------ datasets

    def _commitments_by_jurisdiction(self, c: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(c["jur"], kind="stable")
        offsets = _group_offsets(np.bincount(c["jur"], minlength=len(self.jur_ids)))
        return order, offsets

    def datasets(self, c: dict[str, Any]) -> pa.Table:
        rng = self._rng("datasets")
        n = self.size.datasets
        portal = _weighted(rng, n, [p[2] for p in self.portals])

        # Organizations: one flat list, each portal owning a slice of it.
        org_rows, org_offsets = [], [0]
        for name, _, _, _, langs in self.portals:
            orgs = ORGANIZATIONS.get(name, ORGANIZATIONS["*"])
            for slug, en, fr, level in orgs:
                org_rows.append((slug, en if "en" in langs else None, fr if "fr" in langs else None, level))
            org_offsets.append(len(org_rows))
        org_offsets = np.asarray(org_offsets)
        n_orgs = (org_offsets[1:] - org_offsets[:-1])[portal]
        org = org_offsets[:-1][portal] + np.floor(n_orgs * rng.random(n) ** 2).astype(np.int64)  # big publishers first
        org_slug, org_en, org_fr, org_level = (list(x) for x in zip(*org_rows))

        langs = [p[4] for p in self.portals]
        has_en = np.array(["en" in lang for lang in langs])[portal]
        has_fr = np.array(["fr" in lang for lang in langs])[portal]

        # Releases grow exponentially from 2015 to the as-of date.
        first, last = _days(FIRST_DATASET_DAY), self.as_of_day
        g = np.log1p(DATASET_GROWTH_PER_YEAR) / 365.25
        u = rng.random(n)
        published = first + (np.log1p(u * np.expm1(g * (last - first))) / g).astype(np.int64)
        published = np.minimum(published, last)
        created_us = published * 86_400_000_000 + rng.integers(0, 86_400, n) * 1_000_000
        age_us = (last + 1) * 86_400_000_000 - 1 - created_us
        modified_us = created_us + (age_us * rng.random(n) ** 3).astype(np.int64)
        year = pc.cast(pa.array(_month_of(published) // 12), pa.string())

        subject = rng.integers(0, len(DATASET_SUBJECTS), n)
        kind = rng.integers(0, len(DATASET_KINDS), n)
        null = pa.scalar(None, pa.string())
        title_en = _join(_take([k[0] for k in DATASET_KINDS], kind), " ",
                         _take([s[0] for s in DATASET_SUBJECTS], subject), ", ", year)
        title_fr = _join(_take([k[1] for k in DATASET_KINDS], kind), " ",
                         _take([s[1] for s in DATASET_SUBJECTS], subject), ", ", year)

        n_formats = _weighted(rng, n, [45, 30, 15, 10]) + 1
        format_values = _weighted(rng, int(n_formats.sum()), FORMAT_WEIGHTS)
        formats = pa.ListArray.from_arrays(pa.array(_group_offsets(n_formats).astype(np.int32)),
                                           _take(FORMATS, format_values))

        portal_jur = np.array([self.jur_index[p[1]] for p in self.portals])[portal]
        order, offsets = self._commitments_by_jurisdiction(c)
        linked = _pick_within(rng, portal_jur, order, offsets)
        linked = np.where(rng.random(n) < 0.03, linked, -1)
        commitment_id = pc.if_else(pa.array(linked >= 0), c["id"].take(pa.array(np.maximum(linked, 0))), null)

        return self._table("datasets", {
            "dataset_id": _join("syn-", _numbered(np.arange(1, n + 1), 8)),
            "portal": _take([p[0] for p in self.portals], portal),
            "jurisdiction_id": _take([p[1] for p in self.portals], portal),
            "portal_jurisdiction": _take(org_level, org),
            "organization": _take(org_slug, org),
            "organization_title_en": _take(org_en, org),
            "organization_title_fr": _take(org_fr, org),
            "title_en": pc.if_else(pa.array(has_en), title_en, null),
            "title_fr": pc.if_else(pa.array(has_fr), title_fr, null),
            "published": _date_array(published),
            "created": pc.cast(pa.array(created_us), pa.timestamp("us")),
            "modified": pc.cast(pa.array(modified_us), pa.timestamp("us")),
            "licence": _take([p[3] for p in self.portals], portal),
            "formats": formats,
            "num_resources": pa.array((n_formats + _weighted(rng, n, [50, 25, 15, 10])).astype(np.int32)),
            "frequency": _take(FREQUENCIES, _weighted(rng, n, FREQUENCY_WEIGHTS)),
            "commitment_id": commitment_id,
        })

    # ------------------------------------------------------------ learning events

    def learning_events(self, c: dict[str, Any]) -> pa.Table:
        rng = self._rng("learning_events")
        n = self.size.learning_rows
        first = FIRST_LEARNING_MONTH.year * 12 + FIRST_LEARNING_MONTH.month - 1
        n_months = self.as_of_month - first + 1
        n_jur, n_org, n_type, n_topic = len(self.jur_ids), 3, len(EVENT_TYPES), len(TOPICS)
        space = n_months * n_jur * n_org * n_type * n_topic
        if n > space:
            raise ValueError(f"{n} learning rows do not fit {space} distinct (month, jurisdiction, organizer, "
                             f"type, topic) keys")
        # Distinct keys drawn without replacement keep the primary key unique at any size.
        key = np.sort(rng.choice(space, size=n, replace=False))
        key, topic = np.divmod(key, n_topic)
        key, etype = np.divmod(key, n_type)
        key, org = np.divmod(key, n_org)
        month_offset, jur = np.divmod(key, n_jur)
        month = first + month_offset

        organizers = []
        for jid, name_en, *_ in self.jur:
            organizers += ORGANIZERS.get(jid, [f"{name_en}: open government team", f"{name_en}: public service school",
                                               f"{name_en}: civil society partners"])
        events = 1 + rng.poisson(1.5, n)
        learners = events * (5 + rng.lognormal(3.0, 0.8, n)).astype(np.int64)
        organisations = np.minimum(learners, 1 + rng.poisson(6, n))
        known_orgs = rng.random(n) > 0.1

        order, offsets = self._commitments_by_jurisdiction(c)
        linked = _pick_within(rng, jur, order, offsets)
        linked = np.where(rng.random(n) < 0.15, linked, -1)
        null = pa.scalar(None, pa.string())
        return self._table("learning_events", {
            "period": _period_text(month),
            "period_start": _date_array(_month_first_day(month)),
            "period_end": _date_array(_month_last_day(month)),
            "jurisdiction_id": _take(self.jur_ids, jur),
            "organizer": _take(organizers, jur * n_org + org),
            "event_type": _take(EVENT_TYPES, etype),
            "topic": _take(TOPICS, topic),
            "events": pa.array(events.astype(np.int32)),
            "learners": pa.array(np.minimum(learners, 2**31 - 1).astype(np.int32)),
            "organisations": pc.if_else(pa.array(known_orgs), pa.array(organisations.astype(np.int32)),
                                        pa.scalar(None, pa.int32())),
            "commitment_id": pc.if_else(pa.array(linked >= 0), c["id"].take(pa.array(np.maximum(linked, 0))), null),
        })

    # ------------------------------------------------------------ portal metrics

    def portal_metrics(self) -> pa.Table:
        rng = self._rng("portal_metrics")
        first = _days(FIRST_METRIC_DAY)
        days = np.arange(first, self.as_of_day + 1)
        n_days = len(days)
        series = [(p, m) for p in self.portals for m in METRICS]
        total_share = sum(p[2] for p in self.portals)
        values, outlier = [], []
        for portal, metric in series:
            base = METRICS[metric] * (0.2 + 5 * portal[2] / total_share)
            years = (days - first) / 365.25
            weekday = ((days + 3) % 7) < 5  # 1970-01-01 was a Thursday
            level = base * (1.18 ** years) * np.where(weekday, 1.0, 0.55) * rng.lognormal(0.0, 0.12, n_days)
            flag = np.zeros(n_days, dtype=np.int8)
            picks = rng.choice(n_days, size=4, replace=False)
            level[picks[:2]] = 0.0  # collection failures read as zero
            level[picks[2]] *= 9.0  # a spike, e.g. a crawler
            level[picks[3]] *= 0.12  # a partial day
            flag[picks[:2]], flag[picks[2]], flag[picks[3]] = 1, 2, 3
            values.append(np.round(level))
            outlier.append(flag)
        n = n_days * len(series)
        flags = np.concatenate(outlier) if series else np.zeros(0, dtype=np.int8)
        reasons = [None, "zero reading: collection failure", "spike: automated traffic",
                   "partial day: collection incomplete"]
        series_index = np.repeat(np.arange(len(series)), n_days)
        return self._table("portal_metrics", {
            "portal": _take([s[0][0] for s in series], series_index),
            "metric": _take([s[1] for s in series], series_index),
            "date": _date_array(np.tile(days, len(series))),
            "value": pa.array(np.concatenate(values) if series else np.zeros(0)),
            "is_outlier": pa.array(flags > 0),
            "outlier_reason": _take(reasons, flags.astype(np.int64)) if n else pa.array([], pa.string()),
        })
