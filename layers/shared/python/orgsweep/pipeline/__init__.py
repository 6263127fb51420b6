"""The pipeline steps shared by both engines: plan, scan a cell, aggregate."""
