"""The demo: an embedded moto server, a seeded demo organization and its ground truth.

Importing this package needs only boto3 and the standard library; moto is imported when a
server starts or the fleet is aged.
"""

from orgsweep_local.demo.environment import scoped_environ
from orgsweep_local.demo.exceptions import DemoError, DemoServerError, FleetSpecError, GroundTruthFormatError, SeedError
from orgsweep_local.demo.fleet import MEMBER_ROLE_NAME, seed_fleet
from orgsweep_local.demo.ground_truth import Comparison, Expectation, GroundTruth, Mismatch
from orgsweep_local.demo.server import HUB_ACCOUNT_ID, DemoServer
from orgsweep_local.demo.types import DEFAULT_REGIONS, FleetSpec, SeededAccount, SeededFleet

__all__ = [
    "DEFAULT_REGIONS",
    "HUB_ACCOUNT_ID",
    "MEMBER_ROLE_NAME",
    "Comparison",
    "DemoError",
    "DemoServer",
    "DemoServerError",
    "Expectation",
    "FleetSpec",
    "FleetSpecError",
    "GroundTruth",
    "GroundTruthFormatError",
    "Mismatch",
    "SeedError",
    "SeededAccount",
    "SeededFleet",
    "scoped_environ",
    "seed_fleet",
]
