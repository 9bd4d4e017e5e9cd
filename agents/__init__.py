"""Mesa agents of the Suqian model: households, enterprises, transport fleets, government.

A Mesa agent here may stand for many real actors: a :class:`HouseholdBlock` for one
county's simulated households, an :class:`EnterpriseSector` for one sector's firms,
:class:`Enterprises` for all firms (it decides for them at once), a :class:`RoadFleet` for
all vehicles of one fleet. Their state lives in numpy columns and their decision rules
(``abm.decisions``) run vectorised over those columns, over all households or all firms at
once (:class:`HouseholdRules`), so the step costs the same per household at any population
size. ``model.agents_by_type[HouseholdBlock]`` and ``model.agents.select(...)`` reach them.
"""

from agents.enterprise import Enterprises, EnterpriseSector
from agents.government import Government
from agents.household import HouseholdBlock, HouseholdRules, household_energy
from agents.transport import InlandShipping, RoadFleet, TransportFleet

__all__ = [
    "EnterpriseSector",
    "Enterprises",
    "Government",
    "HouseholdBlock",
    "HouseholdRules",
    "InlandShipping",
    "RoadFleet",
    "TransportFleet",
    "household_energy",
]
