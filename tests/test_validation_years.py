"""Validation scores every observation it can express, in any simulated year, and says why not for the rest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibration.mapping import MappingError, comparisons, load_map, match, price_factor, registry_inputs
from calibration.observed import COLUMNS, ObservedDataError, load_observed
from calibration.validation import counts_line, validate

HEADER = ",".join(COLUMNS)


def row(indicator: str, region: str, year: int, value: float, quality: str = "official", unit: str = "x") -> str:
    return f"{indicator},{region},{year},{value},{unit},{quality},https://example.org,source,note"


def write(tmp_path: Path, lines: list[str], name: str = "later.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


LATER = [
    row("gdp", "suqian", 2023, 4398.07, unit="亿元"),  # current prices: through the deflator
    row("gdp_real_growth", "suqian", 2023, 6.5, unit="%"),  # growth against growth
    row("resident_population", "suqian", 2023, 498.6, unit="万人"),
    row("urbanization_rate", "suqian", 2024, 65.5, unit="%"),
    row("co2_emissions_ceads", "suqian", 2023, 11.5, "secondary", "MtCO2"),
    row("electricity_consumption_industrial", "jiangsu", 2023, 5300.0, unit="亿千瓦时"),  # share of its total
    row("electricity_consumption_total", "jiangsu", 2023, 7832.8, unit="亿千瓦时"),
    row("motor_vehicle_stock", "suqian", 2024, 120.0, unit="万辆"),
    row("pv_capacity_target", "suqian", 2025, 580.0, "target", "万千瓦"),
    row("something_unmapped", "suqian", 2023, 1.0),
    row("gdp", "suqian", 2010, 1000.0, unit="亿元"),  # before the run
    row("resident_population", "suqian", 2100, 500.0, unit="万人"),  # after the model's horizon
]


@pytest.fixture(scope="module")
def later(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("later"), LATER)
    return validate(path, households=200)


def test_a_later_year_file_is_scored_in_every_kind(later):
    table, summary, _ = later
    by_module = summary.set_index("module")
    for module in ("economy", "population", "energy", "emissions", "adoption"):
        assert by_module.loc[module, "compared"] >= 1, module
    scored = table[table["scored"]].set_index(["indicator", "year"])
    for key in [("gdp", 2023), ("gdp_real_growth", 2023), ("resident_population", 2023), ("urbanization_rate", 2024),
                ("co2_emissions_ceads", 2023), ("electricity_consumption_industrial", 2023),
                ("motor_vehicle_stock", 2024)]:  # fmt: skip
        assert key in scored.index, key
    assert np.isfinite(scored["modelled"]).all()
    # years outside the map's listed years are compared with the model in their own year
    assert (table["model_year"] == table["year"]).all() and table["extended"].all()


def test_like_with_like(later):
    table = later[0].set_index(["indicator", "year"])
    # an observation that set an input in its listed years is a check in the others
    assert table.loc[("gdp", 2023), "role"] == "check" and table.loc[("gdp_real_growth", 2023), "role"] == "check"
    assert "deflator held" in table.loc[("gdp", 2023), "reason"]
    # a share of the same year's total: observed 5300 / 7832.8
    assert table.loc[("electricity_consumption_industrial", 2023), "observed"] == pytest.approx(100 * 5300 / 7832.8)
    assert 0 < table.loc[("electricity_consumption_industrial", 2023), "modelled"] < 100


def test_rows_not_scored_are_listed_with_reasons(later):
    table, summary, skipped = later
    reasons = skipped.set_index(["indicator", "year"])["reason"]
    assert reasons[("pv_capacity_target", 2025)].startswith("quality target")
    assert reasons[("something_unmapped", 2023)] == "indicator not in the observation map"
    assert "denominator" in reasons[("electricity_consumption_total", 2023)]
    assert "2010 not simulated" in reasons[("gdp", 2010)]
    assert "2100 not simulated" in reasons[("resident_population", 2100)]
    assert len(table) + len(skipped) == len(LATER)
    assert "5 observations not covered by the map or the run" in counts_line(summary, skipped)


def test_current_prices_go_through_the_deflator():
    assert price_factor(2020) == 1.0
    assert price_factor(2021) == pytest.approx(3869 / 3262.37 / 1.101, rel=1e-4)
    assert price_factor(2030) == price_factor(2022)  # held after the path ends
    assert np.isnan(price_factor(2019))  # no deflator observed before 2020


def test_fits_keep_the_map_years_while_validation_extends_them(tmp_path):
    lines = [row("motor_vehicle_stock", "suqian", y, 106.0) for y in (2020, 2021, 2030)]
    lines += [row("gdp", "suqian", y, 3262.37) for y in (2020, 2030)]
    observed = load_observed(write(tmp_path, lines))
    mapping = load_map()
    assert sorted((c.indicator, c.year) for c in comparisons(observed, mapping)) == [
        ("gdp", 2020), ("motor_vehicle_stock", 2021)
    ]  # fmt: skip
    items, left_out = match(observed, mapping)
    assert left_out.empty
    roles = {(c.indicator, c.year): (c.role, c.extended, c.model_year) for c in items}
    assert roles == {
        ("motor_vehicle_stock", 2020): ("fit", True, 2020),  # nearest listed years: 2021-2022
        ("motor_vehicle_stock", 2021): ("fit", False, 2021),
        ("motor_vehicle_stock", 2030): ("fit", True, 2030),
        ("gdp", 2020): ("input", False, 2020),
        ("gdp", 2030): ("check", True, 2030),  # the observation set nothing in 2030
    }


def test_observations_the_registry_takes_a_fixed_input_from_are_inputs(tmp_path):
    fixed = registry_inputs()
    assert fixed[("resident_population", "suqian", 2021)] == "residents_2021"
    assert ("motor_vehicle_stock", "suqian", 2021) not in fixed  # informs a ranged parameter only
    observed = load_observed(write(tmp_path, [row("va_secondary_growth", "suqian", 2016, 10.1)]))
    items, _ = match(observed, load_map())
    assert items[0].role == "input" and "va_secondary_growth_2016" in items[0].note


def test_pinned_model_years_apply_only_in_the_listed_years(tmp_path):
    observed = load_observed(write(tmp_path, [row("co2_emissions_ceads", "suqian", y, 10.0) for y in (2018, 2021)]))
    items, _ = match(observed, load_map())
    assert {c.year: c.model_year for c in items} == {2018: 2020, 2021: 2021}


def test_index_base_and_denominators_come_from_the_reference_data(tmp_path):
    observed = load_observed(write(tmp_path, [row("pv_industry_chain_output", "suqian", 2023, 900.0)]))
    items, left_out = match(observed, load_map())
    assert items == [] and "no 2020 value" in left_out["reason"].iloc[0]
    items, left_out = match(observed, load_map(), reference=load_observed())
    assert left_out.empty and items[0].base_observed == pytest.approx(117.6)


def test_bad_later_year_input_names_the_file_and_line(tmp_path):
    path = write(tmp_path, [LATER[0], row("gdp", "suqian", 2024, float("nan")).replace("nan", "lots")])
    with pytest.raises(ObservedDataError, match=rf"{path.name}.*line 3"):
        validate(path, households=200)
    bad_map = tmp_path / "map.csv"
    text = (Path(load_map().attrs["path"])).read_text(encoding="utf-8").splitlines()
    bad_map.write_text("\n".join([text[0], text[1].replace(",current", ",nominal")]) + "\n", encoding="utf-8")
    with pytest.raises(MappingError, match="line 2: prices 'nominal'"):
        load_map(bad_map)


def test_unreliable_rows_are_listed_not_scored(tmp_path):
    path = write(tmp_path, [row("motor_vehicle_stock", "suqian", 2022, 113.1, "unreliable")])
    table, summary, _ = validate(path, households=200)
    assert not table["scored"].any() and table["reason"].iloc[0].startswith("quality unreliable")
    total = summary.set_index("module").loc["all"]
    assert (total["compared"], total["not_scored"]) == (0, 1)
    assert isinstance(table, pd.DataFrame)
