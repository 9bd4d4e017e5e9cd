"""Vehicle energy use: each fleet's combustion and electric vehicles are one vehicle class.

Rule-level tests read the registry (energy per km, charging losses, emission factors);
model-level tests compare runs with one seed that differ in one mandate (common random
numbers), so the difference is the policy's.
"""

from __future__ import annotations

from functools import cache

import pytest
from helpers import HOUSEHOLDS, value

from abm.context import SubsidyLedger
from abm.model import SuqianModel
from abm.parameters import registry
from abm.run import run
from abm.scenario import load_scenario
from abm.scorecard import series
from agents.household import car_running_costs

REG = registry()
DEFAULTS = {name: p.default for name, p in REG.items()}
FLEETS = ("city_bus", "taxi", "logistics_truck")
FUEL_CO2 = {"city_bus": "co2_per_tce_oil", "taxi": "co2_per_tce_gasoline", "logistics_truck": "co2_per_tce_oil"}
MANDATES = ("bus_electric_share_new", "taxi_electric_share_new", "truck_electric_share_new")
SEEDS = (1, 2)


def fleet_energy(fleet: str) -> tuple[float, float]:
    """(fuel kgce/km, electricity kWh/km at the battery) of a fleet's vehicle at the defaults."""
    return DEFAULTS[f"fleet.{fleet}.fuel_energy"], DEFAULTS[f"fleet.{fleet}.electric_energy"]


@pytest.mark.parametrize("fleet", [*FLEETS, "private_car"])
def test_fuel_and_electric_use_describe_one_vehicle_class(fleet):
    """An electric drive uses 2-5 times less final energy than a combustion engine of its class.

    Pairing a light truck's fuel use with a heavy truck's electricity use (the old registry:
    20 L/100 km against 1.3 kWh/km, ratio 1.5) falls outside this band.
    """
    if fleet == "private_car":
        fuel, electric = DEFAULTS["ice_car_energy"], DEFAULTS["ev_car_energy"]
    else:
        fuel, electric = fleet_energy(fleet)
    ratio = fuel * DEFAULTS["kwh_per_tce"] / 1000.0 / electric
    assert 2.0 <= ratio <= 5.0, ratio


@pytest.mark.parametrize("fleet", [*FLEETS, "private_car"])
def test_electric_vehicle_emits_less_per_km_on_the_2030_grid(fleet):
    """Per km, with charging losses, an electric vehicle on the 2030 grid emits less CO2 than its combustion twin."""
    grid = DEFAULTS["grid_ef_2030"]  # kgCO2/kWh
    if fleet == "private_car":
        fuel, electric, co2 = DEFAULTS["ice_car_energy"], DEFAULTS["ev_car_energy"], "co2_per_tce_gasoline"
    else:
        (fuel, electric), co2 = fleet_energy(fleet), FUEL_CO2[fleet]
    combustion = fuel * DEFAULTS[co2]  # kgce/km x tCO2/tce = kgCO2/km
    assert electric / DEFAULTS["charging_efficiency"] * grid < combustion


def test_fleets_draw_battery_energy_plus_charging_losses():
    """A fleet's electricity is its electric vehicles' km times use at the battery over charging efficiency."""
    model = SuqianModel(load_scenario("plan"), seed=1, households=200)
    ctx = model.context(2030, SubsidyLedger())
    v = ctx.values
    for fleet in model.fleets[:3]:
        name = fleet.fleet
        assert fleet.grid_kwh_per_km(ctx) == pytest.approx(
            v[f"fleet.{name}.electric_energy"] / v["charging_efficiency"]
        )
        summary = fleet.summary(ctx)
        efficiency = (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
        expected = summary.electric * v[f"fleet.{name}.km"] * fleet.grid_kwh_per_km(ctx) * efficiency
        assert summary.energy.electricity == pytest.approx(expected)


def test_taxis_pay_petrol_and_trucks_diesel():
    model = SuqianModel(load_scenario("plan"), seed=1, households=200)
    ctx = model.context(2030, SubsidyLedger())
    v = ctx.values
    prices = {f.fleet: f.fuel_price(ctx) for f in model.fleets[:3]}
    assert prices["taxi"] == pytest.approx(v["gasoline_price"] / v["gasoline_kgce_per_litre"])
    assert prices["logistics_truck"] == prices["city_bus"] == v["fleet_fuel_price"]


def test_car_running_costs_come_from_the_accounted_energy_use():
    """The car choice prices the same energy per km that the accounts count."""
    model = SuqianModel(load_scenario("baseline"), seed=1, households=200)
    ctx = model.context(2025, SubsidyLedger())
    v = ctx.values
    petrol, electric = car_running_costs(ctx)
    assert petrol == pytest.approx(v["ice_car_energy"] / v["gasoline_kgce_per_litre"] * v["gasoline_price"])
    assert electric == pytest.approx(
        v["ev_car_energy"] / v["charging_efficiency"] * ctx.tariff(v["car_charging_price"])
    )
    assert electric < petrol


@cache
def _co2(lever: str, level: float, seed: int) -> tuple[float, float]:
    scenario = load_scenario("plan").with_settings({lever: level})
    trajectory = run(scenario, seed=seed, households=HOUSEHOLDS).trajectory
    path = series(trajectory, "co2_with_electricity", "total")
    return value(trajectory, "co2_with_electricity", "total", 2030), float(path.loc[2021:2035].sum())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("lever", MANDATES)
def test_electric_mandate_lowers_co2_with_electricity(lever, seed):
    """Raising a fleet's electric share of new vehicles from 0 to 1 lowers CO2 in 2030 and over 2021-2035."""
    none, full = _co2(lever, 0.0, seed), _co2(lever, 1.0, seed)
    assert full[0] < none[0], (lever, "2030", full[0] - none[0])
    assert full[1] < none[1], (lever, "2021-2035", full[1] - none[1])


def test_registry_expects_the_mandates_to_lower_co2():
    assert all(REG[lever].expected_sign == "-" for lever in MANDATES)
