"""orgsweep: find idle and unused AWS resources across a whole AWS Organization.

Importing the package is cheap on purpose: it needs only the standard library (boto3 is
imported by the subpackages that talk to AWS), so the Lambda layer cold-starts fast and
`python -c "import orgsweep"` works with nothing but boto3 installed.
"""

from orgsweep.exceptions import OrgSweepError

__version__ = "0.1.0"

__all__ = ["OrgSweepError", "__version__"]
