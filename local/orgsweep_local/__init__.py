"""orgsweep_local: what only a person's machine runs - the CLI, the local engine, the demo, the fault proxy.

It sits beside the `orgsweep` library (the Lambda layer) and is installed with it by
pyproject.toml, but lives outside the layer's folder, so it can never ship to Lambda.
Dependencies point inward: orgsweep_local imports orgsweep, never the other way round.
"""

__all__: list[str] = []
