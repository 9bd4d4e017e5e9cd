"""Energy use of one accounting sector in one year, by carrier (base units: tce, kWh, tCO2)."""

from __future__ import annotations

from dataclasses import dataclass

FUELS = ("coal", "gas", "oil", "gasoline", "lpg")


@dataclass(slots=True)
class EnergyUse:
    """Yearly energy use of a sector.

    Fuels, biomass and purchased heat in tce (biomass burns with zero CO2 and is
    non-fossil); electricity in kWh, gross (``own_pv`` and
    ``green_power`` are the parts of it met by the consumer's own PV and by green-power
    contracts); process CO2 in tCO2.
    """

    coal: float = 0.0
    gas: float = 0.0
    oil: float = 0.0
    gasoline: float = 0.0
    lpg: float = 0.0
    biomass: float = 0.0
    heat: float = 0.0
    electricity: float = 0.0
    own_pv: float = 0.0
    green_power: float = 0.0
    process_co2: float = 0.0

    def __add__(self, other: EnergyUse) -> EnergyUse:
        # written out: looping over dataclasses.fields() cost more than the sums
        return EnergyUse(
            self.coal + other.coal,
            self.gas + other.gas,
            self.oil + other.oil,
            self.gasoline + other.gasoline,
            self.lpg + other.lpg,
            self.biomass + other.biomass,
            self.heat + other.heat,
            self.electricity + other.electricity,
            self.own_pv + other.own_pv,
            self.green_power + other.green_power,
            self.process_co2 + other.process_co2,
        )

    @property
    def grid_electricity(self) -> float:
        """Electricity drawn from the grid (kWh)."""
        return self.electricity - self.own_pv

    def fuel(self, name: str) -> float:
        """Use of fuel ``name`` (tce)."""
        return float(getattr(self, name))
