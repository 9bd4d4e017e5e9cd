"""Pure-function tests of the accounting (abm/accounting.py) and the energy system
(abm/energy_system.py), with hand-built energy uses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.accounting import (
    END_USE_SECTORS,
    TERRITORIAL_SECTORS,
    EmissionFactors,
    PowerHeatBalance,
    co2_with_electricity,
    direct_co2,
    power_heat_balance,
    primary_energy,
    supply_factors,
    territorial_co2,
)
from abm.energy_system import (
    LOAD_SHAPES,
    PV_RATIO_GRID,
    anchored_path,
    city_pv_balance,
    grid_emission_factor,
    learned_price,
    load_profiles,
    self_consumed_share,
    self_consumption_table,
)
from abm.energy_use import EnergyUse
from abm.parameters import registry

FACTORS = EmissionFactors(coal=2.5, gas=1.6, oil=2.1, gasoline=2.0, lpg=1.7)
VALUES = {
    "chp_heat_efficiency": 0.8,
    "coal_full_load_hours": 4000.0,
    "power_supply_coal_rate": 300.0,  # gce/kWh
    "primary_energy_per_kwh": 0.3,  # kgce/kWh, in 2020
    "primary_energy_per_kwh_2015": 0.3,
    "primary_energy_per_kwh_2024": 0.3,
    "primary_energy_per_kwh_2025": 0.3,
}


def city(**sectors: EnergyUse) -> dict[str, EnergyUse]:
    """Energy use of every end-use sector, zero unless given."""
    unknown = set(sectors) - set(END_USE_SECTORS)
    assert not unknown, unknown
    return {s: sectors.get(s, EnergyUse()) for s in END_USE_SECTORS}


def example_city(green: float = 0.0) -> dict[str, EnergyUse]:
    """A small city: two industries, homes, transport; ``green`` kWh contracted by textiles."""
    return city(
        textiles_chemical_fibre=EnergyUse(coal=1000.0, gas=200.0, heat=400.0, electricity=5e6, green_power=green),
        food_liquor=EnergyUse(gas=300.0, heat=160.0, electricity=2e6, own_pv=2e5),
        buildings_residential=EnergyUse(gas=100.0, lpg=50.0, electricity=3e6, own_pv=1e5),
        transport=EnergyUse(oil=500.0, gasoline=400.0, electricity=1e5),
        new_materials=EnergyUse(coal=200.0, process_co2=300.0, electricity=1e6),
    )


# direct CO2 --------------------------------------------------------------------------


def test_direct_co2_by_hand():
    """Fuels times their factors plus process CO2."""
    use = EnergyUse(coal=100, gas=50, oil=10, gasoline=5, lpg=2, heat=999, electricity=1e9, process_co2=7)
    expected = 100 * 2.5 + 50 * 1.6 + 10 * 2.1 + 5 * 2.0 + 2 * 1.7 + 7
    assert direct_co2(use, FACTORS) == pytest.approx(expected, rel=1e-12)


def test_direct_co2_ignores_electricity_and_heat():
    """Purchased electricity and heat have no direct CO2 at the consumer."""
    assert direct_co2(EnergyUse(heat=100.0, electricity=1e6, own_pv=1e5, green_power=1e5), FACTORS) == 0.0


def test_energy_use_adds_field_by_field():
    """Summing two uses adds every carrier."""
    total = EnergyUse(coal=1, electricity=10, own_pv=2) + EnergyUse(coal=2, gas=3, electricity=5)
    assert (total.coal, total.gas, total.electricity, total.own_pv) == (3, 3, 15, 2)
    assert total.grid_electricity == 13


# power and heat ----------------------------------------------------------------------


def test_power_heat_balance_by_hand():
    """Heat fuel = heat / efficiency, split by remaining coal capacity; coal power from hours and rate."""
    uses = example_city()
    b = power_heat_balance(uses, coal_mw=350.0, coal_mw_2020=700.0, nonfossil_local_kwh=1e6, grid_ef=0.6, values=VALUES)
    assert b.heat_delivered_tce == pytest.approx(560.0)
    assert b.heat_coal_tce == pytest.approx(560.0 / 0.8 * 0.5)
    assert b.heat_gas_tce == pytest.approx(560.0 / 0.8 * 0.5)
    assert b.coal_power_kwh == pytest.approx(350.0 * 1000 * 4000)
    assert b.coal_power_tce == pytest.approx(350.0 * 1000 * 4000 * 300 / 1e6)
    grid = 5e6 + (2e6 - 2e5) + (3e6 - 1e5) + 1e5 + 1e6
    assert b.grid_demand_kwh == pytest.approx(grid)
    assert b.net_import_kwh == pytest.approx(grid - b.coal_power_kwh - 1e6)


def test_no_coal_capacity_means_gas_heat_and_no_coal_power():
    """With every coal unit retired, heat comes from gas and local coal power is zero."""
    b = power_heat_balance(example_city(), 0.0, 700.0, 0.0, 0.6, VALUES)
    assert b.heat_coal_tce == 0.0
    assert b.coal_power_tce == 0.0
    assert b.heat_gas_tce == pytest.approx(560.0 / 0.8)


def test_territorial_includes_power_heat_as_coal_power_plus_heat():
    """Territorial CO2 has every sector; power_heat = local coal power + heat plants."""
    uses = example_city()
    b = power_heat_balance(uses, 350.0, 700.0, 1e6, 0.6, VALUES)
    t = territorial_co2(uses, b, FACTORS)
    assert tuple(t) == TERRITORIAL_SECTORS
    expected = b.coal_power_tce * 2.5 + b.heat_coal_tce * 2.5 + b.heat_gas_tce * 1.6
    assert t["power_heat"] == pytest.approx(expected, rel=1e-12)
    assert t["power_heat"] == pytest.approx(b.coal_power_co2(FACTORS) + b.heat_co2(FACTORS), rel=1e-12)
    for sector in END_USE_SECTORS:
        assert t[sector] == pytest.approx(direct_co2(uses[sector], FACTORS), rel=1e-12)


def test_with_electricity_total_is_direct_plus_heat_plus_electricity_co2():
    """Allocated to end users: direct + heat plants' CO2 + electricity CO2 ==
    territorial total - local coal power CO2 + electricity CO2."""
    uses = example_city()
    b = power_heat_balance(uses, 350.0, 700.0, 1e6, 0.6, VALUES)
    w = co2_with_electricity(uses, b, FACTORS)
    t = territorial_co2(uses, b, FACTORS)
    assert tuple(w) == END_USE_SECTORS
    assert "power_heat" not in w
    direct = sum(direct_co2(u, FACTORS) for u in uses.values())
    total = sum(w.values())
    assert total == pytest.approx(direct + b.heat_co2(FACTORS) + b.electricity_co2(FACTORS), rel=1e-12)
    assert total == pytest.approx(sum(t.values()) - b.coal_power_co2(FACTORS) + b.electricity_co2(FACTORS), rel=1e-12)


def test_electricity_co2_is_coal_power_plus_imports_at_grid_factor():
    """Net imports carry the grid factor (kgCO2/kWh -> tCO2 / 1000)."""
    b = PowerHeatBalance(0, 0, 0, 1e6, 300.0, 0.0, 3e6, 2e6, 0.6)
    assert b.electricity_co2(FACTORS) == pytest.approx(300.0 * 2.5 + 2e6 * 0.6 / 1000, rel=1e-12)


def test_net_exports_give_a_credit_but_never_below_zero():
    """Exported power lowers electricity CO2 but it never turns negative."""
    small_export = PowerHeatBalance(0, 0, 0, 1e6, 300.0, 0.0, 1e6, -5e5, 0.6)
    assert small_export.electricity_co2(FACTORS) == pytest.approx(300.0 * 2.5 - 5e5 * 0.6 / 1000, rel=1e-12)
    assert small_export.electricity_co2(FACTORS) < small_export.coal_power_co2(FACTORS)
    huge_export = PowerHeatBalance(0, 0, 0, 1e6, 300.0, 0.0, 1e6, -1e9, 0.6)
    assert huge_export.electricity_co2(FACTORS) == 0.0


def test_huge_local_supply_gives_no_negative_sector_co2():
    """A city exporting far more than it uses allocates zero electricity CO2, never negative."""
    uses = example_city()
    b = power_heat_balance(uses, 0.0, 700.0, 1e12, 0.6, VALUES)
    assert b.net_import_kwh < 0
    w = co2_with_electricity(uses, b, FACTORS)
    assert all(x >= 0 for x in w.values())
    e_ef, _ = supply_factors(uses, b, FACTORS)
    assert e_ef == 0.0


@pytest.mark.parametrize("green", [1e5, 1e6, 4e6])
def test_green_power_moves_co2_between_sectors_not_the_total(green):
    """Contracted green power lowers the buyer's CO2, raises the others' and keeps the total."""
    plain_uses, green_uses = example_city(), example_city(green=green)
    plain = co2_with_electricity(plain_uses, power_heat_balance(plain_uses, 350.0, 700.0, 1e6, 0.6, VALUES), FACTORS)
    contracted = co2_with_electricity(
        green_uses, power_heat_balance(green_uses, 350.0, 700.0, 1e6, 0.6, VALUES), FACTORS
    )
    assert sum(contracted.values()) == pytest.approx(sum(plain.values()), rel=1e-12)
    assert contracted["textiles_chemical_fibre"] < plain["textiles_chemical_fibre"]
    assert contracted["food_liquor"] > plain["food_liquor"]
    assert contracted["agriculture"] == plain["agriculture"] == 0.0


def test_supply_factors_by_hand():
    """Electricity factor = electricity CO2 / non-contracted grid kWh; heat factor = heat CO2 / heat delivered."""
    uses = example_city(green=1e6)
    b = power_heat_balance(uses, 350.0, 700.0, 1e6, 0.6, VALUES)
    e_ef, h_ef = supply_factors(uses, b, FACTORS)
    assert e_ef == pytest.approx(b.electricity_co2(FACTORS) / (b.grid_demand_kwh - 1e6), rel=1e-12)
    assert h_ef == pytest.approx(b.heat_co2(FACTORS) / 560.0, rel=1e-12)


# primary energy ----------------------------------------------------------------------


def test_primary_energy_by_hand():
    """Fuels burnt (plants included) + local non-fossil, own PV and net imports at 0.3 kgce/kWh."""
    uses = example_city()
    b = power_heat_balance(uses, 1.0, 700.0, 1e6, 0.6, VALUES)
    total, nonfossil = primary_energy(uses, b, VALUES, grid_nonfossil=0.25, year=2020)
    fuels = (1000 + 200) + 300 + (100 + 50) + (500 + 400) + 200
    fossil = fuels + b.heat_coal_tce + b.heat_gas_tce + b.coal_power_tce
    own_pv = 2e5 + 1e5
    factor = 0.3 / 1000
    assert b.net_import_kwh > 0
    assert total == pytest.approx(fossil + (1e6 + own_pv + b.net_import_kwh) * factor, rel=1e-12)
    assert nonfossil == pytest.approx((1e6 + own_pv + b.net_import_kwh * 0.25) * factor, rel=1e-12)
    assert 0.0 <= nonfossil <= total


def test_primary_energy_with_net_exports():
    """Exports count against the total and leave in proportion to local generation."""
    uses = example_city()
    b = power_heat_balance(uses, 350.0, 700.0, 1e6, 0.6, VALUES)
    assert b.net_import_kwh < 0
    total, nonfossil = primary_energy(uses, b, VALUES, grid_nonfossil=0.25, year=2020)
    own_pv = 2e5 + 1e5
    local_share = 1e6 / (1e6 + b.coal_power_kwh)
    exported_nonfossil = -b.net_import_kwh * local_share
    assert nonfossil == pytest.approx((1e6 + own_pv - exported_nonfossil) * 0.3 / 1000, rel=1e-12)
    assert 0.0 <= nonfossil <= total


# energy system -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


def test_profiles_are_normalised(profiles):
    """Each shape sums to 1 over a year of representative days."""
    assert float(profiles.pv.sum() * 365 / 4) == pytest.approx(1.0)
    for shape in LOAD_SHAPES:
        assert float(profiles.loads[shape].sum() * 365 / 4) == pytest.approx(1.0)


@pytest.mark.parametrize("shape", LOAD_SHAPES)
@pytest.mark.parametrize("hours", [1.0, 2.0, 4.0])
def test_self_consumption_table_is_a_non_increasing_share(profiles, shape, hours):
    """Shares in [0, 1], never rising with the PV-to-load ratio, never lowered by storage."""
    table = self_consumption_table(profiles, shape, hours, 0.85)
    assert table.shape == (PV_RATIO_GRID.shape[0], 2)
    assert np.all((table >= 0.0) & (table <= 1.0))
    assert np.all(np.diff(table[:, 0]) <= 1e-12)
    assert np.all(np.diff(table[:, 1]) <= 1e-12)
    assert np.all(table[:, 1] >= table[:, 0] - 1e-12)
    assert table[-1, 0] < 1.0  # a system four times the load cannot use all of its output


def test_more_storage_hours_never_lower_self_consumption(profiles):
    """A larger battery uses at least as much of the PV output on site."""
    small = self_consumption_table(profiles, "commerce", 1.0, 0.85)[:, 1]
    large = self_consumption_table(profiles, "commerce", 4.0, 0.85)[:, 1]
    assert np.all(large >= small - 1e-12)


def test_self_consumed_share_lookup(profiles):
    """The lookup reads column 1 for storage owners and column 0 for the others."""
    table = self_consumption_table(profiles, "industry", 2.0, 0.85)
    ratio = np.array([0.0, 1.0, 1.0, 10.0])
    has_storage = np.array([False, False, True, True])
    out = self_consumed_share(table, ratio, has_storage)
    assert out[0] == 1.0
    assert out[1] == pytest.approx(np.interp(1.0, PV_RATIO_GRID, table[:, 0]))
    assert out[2] == pytest.approx(np.interp(1.0, PV_RATIO_GRID, table[:, 1]))
    assert 0.0 <= out[3] <= 1.0


LOADS = {"industry": 6e6, "commerce": 3e6, "residential": 3e6}  # MWh/yr


def balance(profiles, pv_mw: float, storage_mwh: float, export_mw: float = 500.0):
    return city_pv_balance(profiles, pv_mw, LOADS, storage_mwh, export_mw, 0.85, 1100.0)


@settings(max_examples=25, deadline=None)
@given(
    pv_mw=st.floats(min_value=0.0, max_value=20_000.0),
    storage=st.floats(min_value=0.0, max_value=20_000.0),
    more=st.floats(min_value=0.0, max_value=20_000.0),
    export=st.floats(min_value=0.0, max_value=3000.0),
)
def test_city_pv_balance_conserves_output_and_storage_never_raises_curtailment(profiles, pv_mw, storage, more, export):
    """used + curtailed == generated; more storage never curtails more."""
    b = balance(profiles, pv_mw, storage, export)
    assert b.pv_generated == pytest.approx(pv_mw * 1100.0, rel=1e-9, abs=1e-6)
    assert b.pv_used + b.pv_curtailed == pytest.approx(b.pv_generated, rel=1e-9, abs=1e-6)
    assert b.pv_used >= 0.0
    assert b.pv_curtailed >= -1e-9
    assert balance(profiles, pv_mw, storage + more, export).pv_curtailed <= b.pv_curtailed + 1e-6


def test_large_pv_fleet_is_curtailed_without_storage_and_less_with_it(profiles):
    """A PV fleet far above the load spills; storage takes part of the spill."""
    bare = balance(profiles, 15_000.0, 0.0, export_mw=0.0)
    stored = balance(profiles, 15_000.0, 30_000.0, export_mw=0.0)
    assert bare.pv_curtailed > 0
    assert stored.pv_curtailed < bare.pv_curtailed


def test_no_pv_means_nothing_generated(profiles):
    b = balance(profiles, 0.0, 1000.0)
    assert (b.pv_generated, b.pv_used, b.pv_curtailed) == (0.0, 0.0, 0.0)


def test_anchored_paths_and_learning():
    """Linear between anchors, flat outside; learning stops at the floor."""
    assert anchored_path(2025, {2020: 1.0, 2030: 0.0}) == pytest.approx(0.5)
    assert anchored_path(2070, {2020: 1.0, 2030: 0.0}) == 0.0
    values = registry().defaults()
    assert grid_emission_factor(values, 2020) == pytest.approx(values["grid_ef_2020"])
    assert grid_emission_factor(values, 2030) == pytest.approx(values["grid_ef_2030"])
    assert learned_price(100.0, 10.0, 0.0, 2022) == pytest.approx(81.0)
    assert learned_price(100.0, 10.0, 90.0, 2040) == 90.0


def test_single_case_dispatch_matches_the_array_dispatch():
    """The plain-float dispatch of the city balance gives the array version's numbers."""
    from abm.energy_system import _dispatch_day, _dispatch_one, load_profiles

    profiles = load_profiles()
    rng = np.random.default_rng(0)
    for _ in range(50):
        pv = profiles.pv * rng.uniform(0, 20_000) * 1064
        load = sum(profiles.loads[k] * rng.uniform(1e5, 2e7) for k in profiles.loads)
        storage, export = rng.uniform(0, 5_000), rng.uniform(0, 3_000)
        used, curtailed = _dispatch_day(pv[None], load[None], np.array([storage]), 0.85, export)
        one_used, one_curtailed = _dispatch_one(pv.tolist(), load.tolist(), storage, 0.85, export)
        assert one_used == pytest.approx(used[0], rel=1e-12)
        assert one_curtailed == pytest.approx(curtailed[0], rel=1e-12, abs=1e-6)
