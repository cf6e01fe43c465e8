"""A hand-written flattened NAP tracker plan, for the connector's tests and the status tests that read it."""

from __future__ import annotations

from pathlib import Path


def seven_indicator_plan(tmp_path: Path, status_rows: list[str]) -> Path:
    """A flattened plan: C01.1 has seven indicators, C01.2 one; C02.1 one. `status_rows` are (period,indicator,status)."""
    folder = tmp_path / "seven"
    folder.mkdir()
    (folder / "nap_commitments.csv").write_text(
        "plan,cycle,commitment_id,title_en,title_fr\n"
        "NAP9,2036-2038,C01,Open data,Données ouvertes\nNAP9,2036-2038,C02,Open justice,Justice ouverte\n",
        encoding="utf-8")
    (folder / "nap_milestones.csv").write_text(
        "plan,cycle,commitment_id,milestone_id,title_en,title_fr\n"
        "NAP9,2036-2038,C01,C01.1,Seven things,Sept choses\nNAP9,2036-2038,C01,C01.2,One thing,Une chose\n"
        "NAP9,2036-2038,C02,C02.1,Another,Une autre\n", encoding="utf-8")
    indicators = [f"C01.1.{k}" for k in range(1, 8)] + ["C01.2.1", "C02.1.1"]
    (folder / "nap_indicators.csv").write_text(
        "plan,cycle,commitment_id,milestone_id,indicator_id,title_en,title_fr,due_date,deadline_en,lead_dept\n"
        + "".join(f"NAP9,2036-2038,{i[:3]},{i[:5]},{i},Indicator {i},Indicateur {i},2036-06,June 2036,tbs\n"
                  for i in indicators), encoding="utf-8")
    (folder / "status.csv").write_text("reporting_period,indicators,status\n" + "".join(
        f"{row}\n" for row in status_rows), encoding="utf-8")
    return folder
