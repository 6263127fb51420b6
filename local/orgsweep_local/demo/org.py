"""The demo organization: nested OUs and member accounts, and sessions inside them."""

from __future__ import annotations

from typing import Any

from orgsweep_local.demo.types import FleetSpec, SeededAccount

#: The role AWS Organizations creates in every account it creates; the seeder acts through it.
ADMIN_ROLE_NAME = "OrganizationAccountAccessRole"


def create_organization(
    hub: Any, endpoint_url: str, spec: FleetSpec
) -> tuple[str, str, str, dict[str, str], list[SeededAccount]]:
    """Return (organization id, management account id, root id, OU ids by path, member accounts)."""
    org = hub.client("organizations", region_name="us-east-1", endpoint_url=endpoint_url)
    organization = org.create_organization(FeatureSet="ALL")["Organization"]
    root_id = org.list_roots()["Roots"][0]["Id"]
    ou_ids: dict[str, str] = {}

    def ou_for(path: tuple[str, ...]) -> str:
        parent: str = root_id
        for depth in range(1, len(path) + 1):
            key = "/".join(path[:depth])
            if key not in ou_ids:
                ou_ids[key] = org.create_organizational_unit(ParentId=parent, Name=path[depth - 1])[
                    "OrganizationalUnit"
                ]["Id"]
            parent = ou_ids[key]
        return parent

    accounts = []
    for name, path in spec.account_layout():
        status = org.create_account(Email=f"aws+{name}@example.com", AccountName=name)["CreateAccountStatus"]
        account_id = status["AccountId"]
        ou_id = ou_for(path)
        org.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=ou_id)
        accounts.append(SeededAccount(account_id=account_id, name=name, ou_id=ou_id, ou_path=path))
    return organization["Id"], organization["MasterAccountId"], root_id, ou_ids, accounts


class MemberSession:
    """Clients inside one member account, built from the hub session with the assumed-role credentials.

    Building every client from the one hub session shares botocore's loaded service models,
    which makes creating the seeder's hundreds of clients several times faster.
    """

    def __init__(self, hub: Any, credentials: dict[str, Any]) -> None:
        self._hub = hub
        self._credentials = credentials

    def client(self, service: str, *, region_name: str, endpoint_url: str) -> Any:
        return self._hub.client(
            service,
            region_name=region_name,
            endpoint_url=endpoint_url,
            aws_access_key_id=self._credentials["AccessKeyId"],
            aws_secret_access_key=self._credentials["SecretAccessKey"],
            aws_session_token=self._credentials["SessionToken"],
        )


def member_session(hub: Any, endpoint_url: str, account_id: str) -> MemberSession:
    """Act inside `account_id` through the organization's admin role (moto STS)."""
    sts = hub.client("sts", region_name="us-east-1", endpoint_url=endpoint_url)
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ADMIN_ROLE_NAME}", RoleSessionName="orgsweep-demo-seeder"
    )["Credentials"]
    return MemberSession(hub, credentials)


__all__ = ["ADMIN_ROLE_NAME", "MemberSession", "create_organization", "member_session"]
