"""Athena: the Glue database and tables (partition projection, no crawler), a workgroup, named queries."""

from __future__ import annotations

import re
from pathlib import Path

from aws_cdk import Aws
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.glue_input import table_input
from infra.settings import Settings
from orgsweep.tables.queries import list_named_queries
from orgsweep.tables.schemas import TABLES

ATHENA_RESULTS_PREFIX = "athena-results/"


def _construct_id(query_name: str) -> str:
    return "Query" + "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", query_name) if w)


class AthenaCatalog(Construct):
    """Glue database + findings/inventory/coverage tables, the orgsweep workgroup and its named queries."""

    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, bucket: s3.IBucket, queries_dir: Path
    ) -> None:
        super().__init__(scope, construct_id)
        self.database_name = settings.athena_database
        self.database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=Aws.ACCOUNT_ID,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=self.database_name, description="orgsweep findings, inventory and coverage"
            ),
        )
        self.tables: dict[str, glue.CfnTable] = {}
        for schema in TABLES:
            table = glue.CfnTable(
                self,
                f"{schema.name.capitalize()}Table",
                catalog_id=Aws.ACCOUNT_ID,
                database_name=self.database_name,
                table_input=glue.CfnTable.TableInputProperty(name=schema.name),
            )
            # The whole TableInput comes from the schema (CloudFormation shape), see infra.glue_input.
            table.add_property_override("TableInput", table_input(schema, bucket.bucket_name))
            table.add_resource_dependency(self.database)
            self.tables[schema.name] = table

        self.workgroup = athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=settings.athena_workgroup,
            description="orgsweep queries (results encrypted, bytes scanned capped)",
            state="ENABLED",
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=settings.athena_bytes_scanned_cutoff,
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{bucket.bucket_name}/{ATHENA_RESULTS_PREFIX}",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_S3"
                    ),
                ),
            ),
        )

        self.named_queries: list[athena.CfnNamedQuery] = []
        # queries/*.sql, parsed by the library that also runs them on DuckDB (one file format).
        for query in list_named_queries(queries_dir) if queries_dir.is_dir() else []:
            named = athena.CfnNamedQuery(
                self,
                _construct_id(query.name),
                name=query.name,
                description=query.description,
                database=self.database_name,
                query_string=query.sql,
                work_group=self.workgroup.ref,
            )
            named.add_resource_dependency(self.database)
            self.named_queries.append(named)


__all__ = ["ATHENA_RESULTS_PREFIX", "AthenaCatalog"]
