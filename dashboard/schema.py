"""The declared schema of every snapshot table: the contract between connectors, snapshots and queries."""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 2  # 2: datasets gained published_basis and catalogue_load; aliases, conflicts, field_sources

_str = pa.string()
_date = pa.date32()
_ts = pa.timestamp("us")
_bool = pa.bool_()
_i16 = pa.int16()
_i32 = pa.int32()
_i64 = pa.int64()
_f64 = pa.float64()
_strs = pa.list_(pa.string())


def _f(name: str, type_: pa.DataType, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable)


# Every table ends with these two: which configured source produced the row, and
# whether the row was generated rather than taken from a real record.
_PROVENANCE = [_f("source", _str, False), _f("synthetic", _bool, False)]

TABLES: dict[str, pa.Schema] = {
    "jurisdictions": pa.schema(
        [
            _f("jurisdiction_id", _str, False),  # e.g. "ca", "ca-qc", "ukr"
            _f("name_en", _str, False),
            _f("name_fr", _str),
            _f("level", _str, False),  # national | subnational | local
            _f("country_code", _str),  # ISO 3166-1 alpha-3 where known
            _f("region", _str),  # OGP region
            _f("parent_id", _str),
            *_PROVENANCE,
        ]
    ),
    "commitments": pa.schema(
        [
            _f("commitment_id", _str, False),
            _f("jurisdiction_id", _str, False),
            _f("cycle", _str, False),  # "2018-2020": year of submission - action plan end year
            _f("cycle_start", _i16, False),
            _f("cycle_end", _i16, False),
            _f("action_plan_id", _str),
            _f("title_en", _str),
            _f("title_fr", _str),
            _f("description_en", _str),
            _f("description_fr", _str),
            _f("lead_institution", _str),
            _f("policy_areas", _strs),
            _f("start_date", _date),
            _f("end_date", _date),
            # IRM fields: the value, or null with the reason it is missing (ND | NR | NA).
            _f("potential_impact", _str),  # None | Minor | Moderate | Transformative
            _f("potential_impact_missing", _str),
            _f("completion_midterm", _str),  # Not Started | Limited | Substantial | Complete | Withdrawn | Unclear
            _f("completion_midterm_missing", _str),
            _f("completion_end_term", _str),
            _f("completion_end_term_missing", _str),
            _f("starred", _bool),
            _f("starred_missing", _str),
            _f("opened_government", _str),  # Did Not Change | Marginal | Major | Outstanding | Worsens
            _f("opened_government_missing", _str),
            # The commitment's completion on the common progress scale (dashboard.progress).
            _f("progress", _str),
            _f("progress_rank", _i16),
            _f("status_code", _str),  # the source's own code, e.g. "Substantial", "SP"
            _f("status_vocab", _str),  # irm | ogp-tracker | nap
            # Where the status is built from indicator reports (NAP tracker): how many indicators its
            # milestones have and how many reported; null where the source rates the commitment itself.
            _f("indicators_total", _i32),
            _f("indicators_reported", _i32),
            _f("url", _str),
            *_PROVENANCE,
        ]
    ),
    "milestones": pa.schema(
        [
            _f("milestone_id", _str, False),
            _f("commitment_id", _str, False),
            _f("title_en", _str),
            _f("title_fr", _str),
            _f("lead_dept", _str),
            _f("start_date", _date),
            _f("due_date", _date),
            _f("deadline_text_en", _str),
            _f("deadline_text_fr", _str),
            # Latest known status, on the common scale and in the source's own code.
            _f("progress", _str),
            _f("progress_rank", _i16),
            _f("status_code", _str),
            _f("status_vocab", _str),
            # Where the status is built from indicator reports (NAP tracker): how many indicators the
            # milestone has and how many reported; null where the source reports the milestone itself.
            _f("indicators_total", _i32),
            _f("indicators_reported", _i32),
            *_PROVENANCE,
        ]
    ),
    "milestone_status": pa.schema(
        [
            _f("commitment_id", _str, False),
            _f("milestone_id", _str, False),
            _f("indicator_id", _str),  # NAP records are per indicator; null elsewhere
            _f("reporting_period", _str, False),  # "YYYY-MM"
            _f("period_date", _date, False),  # first day of the reporting period's month
            _f("progress", _str, False),
            _f("progress_rank", _i16),
            _f("status_code", _str, False),
            _f("status_vocab", _str, False),
            _f("progress_en", _str),
            _f("progress_fr", _str),
            _f("evidence_en", _str),
            _f("evidence_fr", _str),
            _f("challenges_en", _str),
            _f("challenges_fr", _str),
            _f("record_modified", _ts),
            *_PROVENANCE,
        ]
    ),
    "indicators": pa.schema(
        [
            _f("indicator_id", _str, False),
            _f("milestone_id", _str, False),
            _f("commitment_id", _str, False),
            _f("title_en", _str),
            _f("title_fr", _str),
            _f("due_date", _date),
            _f("deadline_text_en", _str),
            _f("deadline_text_fr", _str),
            _f("lead_dept", _str),
            *_PROVENANCE,
        ]
    ),
    "datasets": pa.schema(
        [
            _f("dataset_id", _str, False),
            _f("portal", _str, False),  # e.g. "open.canada.ca", "donneesquebec.ca"
            _f("jurisdiction_id", _str, False),
            _f("portal_jurisdiction", _str),  # the portal's own field, e.g. federal | provincial | municipal
            _f("organization", _str),
            _f("organization_title_en", _str),
            _f("organization_title_fr", _str),
            _f("title_en", _str),
            _f("title_fr", _str),
            _f("published", _date),  # date_published, else metadata_created (dashboard.releases)
            _f("published_basis", _str),  # which of the two gave `published`: date_published | metadata_created
            # True: `published` is the day a catalogue load (migration, federation) entered the record, not
            # its release (dashboard.releases); null where the source does not judge it (generated rows)
            _f("catalogue_load", _bool),
            _f("created", _ts),
            _f("modified", _ts),
            _f("licence", _str),
            _f("formats", _strs),
            _f("num_resources", _i32),
            _f("frequency", _str),
            _f("commitment_id", _str),  # link to a commitment where the source gives one
            *_PROVENANCE,
        ]
    ),
    "learning_events": pa.schema(
        [
            _f("period", _str, False),  # "YYYY-MM", "YYYY-Qn" or "YYYY"
            _f("period_start", _date, False),
            _f("period_end", _date, False),
            _f("jurisdiction_id", _str, False),
            _f("organizer", _str, False),
            _f("event_type", _str),
            _f("topic", _str),
            _f("events", _i32, False),
            _f("learners", _i32, False),
            _f("organisations", _i32),
            _f("commitment_id", _str),
            *_PROVENANCE,
        ]
    ),
    "portal_metrics": pa.schema(
        [
            _f("portal", _str, False),
            _f("metric", _str, False),
            _f("date", _date, False),
            _f("value", _f64),
            _f("is_outlier", _bool, False),
            _f("outlier_reason", _str),
            *_PROVENANCE,
        ]
    ),
    # Linking (dashboard/linking.py): one record per commitment, milestone and indicator that several
    # sources describe. `record` is commitment | milestone | indicator.
    "aliases": pa.schema(
        [
            _f("record", _str, False),
            _f("alias_id", _str, False),  # another id of the record: a crosswalk's, or a linked source's
            _f("canonical_id", _str, False),  # the id the snapshot keeps the record under
            _f("commitment_id", _str),  # the (canonical) commitment it belongs to
            _f("alias_source", _str),  # the source whose row had alias_id; null when no loaded source uses it
            _f("rule", _str, False),  # crosswalk | title
            _f("basis", _str),  # why the two ids are one record
            *_PROVENANCE,  # source: the source of the pairing (the crosswalk's, or the aliased row's)
        ]
    ),
    "conflicts": pa.schema(
        [
            _f("record", _str, False),
            _f("record_id", _str, False),  # the canonical id
            _f("commitment_id", _str, False),
            _f("field", _str, False),  # the column the sources disagree on, e.g. due_date
            _f("value", _str),  # that source's value as text (dates ISO, lists "; "-joined)
            _f("source_record_id", _str, False),  # the id that source gives the record
            _f("kept", _bool, False),  # true for the value the record shows
            *_PROVENANCE,  # source: the source that gave the value
        ]
    ),
    "field_sources": pa.schema(
        [
            _f("record", _str, False),
            _f("record_id", _str, False),
            _f("commitment_id", _str, False),
            _f("field", _str, False),
            _f("source_record_id", _str, False),
            *_PROVENANCE,  # source: the source that gave the field of a record built from several
        ]
    ),
}

# Primary keys: duplicates are refused at validation time.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "jurisdictions": ("jurisdiction_id",),
    "commitments": ("commitment_id",),
    "milestones": ("milestone_id",),
    "milestone_status": ("milestone_id", "indicator_id", "reporting_period"),
    "indicators": ("indicator_id",),
    "datasets": ("portal", "dataset_id"),
    "learning_events": (
        "period",
        "jurisdiction_id",
        "organizer",
        "event_type",
        "topic",
        "commitment_id",
        "source",
    ),
    "portal_metrics": ("portal", "metric", "date"),
    "aliases": ("record", "alias_id"),
    "conflicts": ("record", "record_id", "field", "source"),
    "field_sources": ("record", "record_id", "field"),
}

# The order rows are written in: the common filter keys first, so row groups cluster.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "jurisdictions": ("jurisdiction_id",),
    "commitments": ("jurisdiction_id", "cycle", "commitment_id"),
    "milestones": ("commitment_id", "milestone_id"),
    "milestone_status": ("commitment_id", "milestone_id", "period_date"),
    "indicators": ("commitment_id", "milestone_id", "indicator_id"),
    "datasets": ("jurisdiction_id", "published", "dataset_id"),
    "learning_events": ("jurisdiction_id", "period_start", "organizer"),
    "portal_metrics": ("portal", "metric", "date"),
    "aliases": ("record", "canonical_id", "alias_id"),
    "conflicts": ("commitment_id", "record", "record_id", "field", "source"),
    "field_sources": ("commitment_id", "record", "record_id", "field"),
}

LEVELS = ("national", "subnational", "local")
