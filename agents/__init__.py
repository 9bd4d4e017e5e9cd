"""Mesa agents of the Suqian model: households, enterprises, transport fleets, government.

A Mesa agent here may stand for many real actors: a :class:`HouseholdBlock` for a block of
simulated households (by default all of them), :class:`Enterprises` for all firms, a
:class:`RoadFleet` for all vehicles of one fleet. Their state lives in numpy columns and
their decision rules (``abm.decisions``) run vectorised over those columns, so the step
costs the same per household at any population size.
"""

from agents.enterprise import Enterprises
from agents.government import Government
from agents.household import HouseholdBlock, household_energy
from agents.transport import InlandShipping, RoadFleet, TransportFleet

__all__ = [
    "Enterprises",
    "Government",
    "HouseholdBlock",
    "InlandShipping",
    "RoadFleet",
    "TransportFleet",
    "household_energy",
]
