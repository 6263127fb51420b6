"""Demo VPC, security groups, network interfaces, NAT gateways and VPC endpoints of one cell."""

from __future__ import annotations

from orgsweep.types import Verdict
from orgsweep_local.demo import fidelity
from orgsweep_local.demo.cell import Network, SeedCell

F, OK = Verdict.FLAGGED, Verdict.OK
_MIB = 1024 * 1024
_GIB = 1024 * _MIB


def seed_network(cell: SeedCell, cidr_index: int) -> Network:
    """A VPC with two subnets; an `app` group (attached later), an `lb` group it references, unused ones."""
    ec2 = cell.client("ec2")
    second_octet = 16 + cidr_index % 200
    vpc_id = ec2.create_vpc(
        CidrBlock=f"10.{second_octet}.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": cell.tags(cell.name("vpc"))}],
    )["Vpc"]["VpcId"]
    subnets = []
    for index, zone in enumerate("ab"):
        subnets.append(
            ec2.create_subnet(
                VpcId=vpc_id, CidrBlock=f"10.{second_octet}.{index}.0/24", AvailabilityZone=f"{cell.region}{zone}"
            )["Subnet"]["SubnetId"]
        )
    lb_sg = _group(cell, vpc_id, "lb", "load balancers")
    app_sg = _group(cell, vpc_id, "app", "application servers")
    ec2.authorize_security_group_ingress(
        GroupId=app_sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": lb_sg}]}
        ],
    )
    cell.expect("security-group-unused", app_sg, OK, "attached to instances")
    cell.expect("security-group-unused", lb_sg, OK, "referenced by another group's rule")
    for _ in range(cell.rng.randint(1, 2)):
        legacy = _group(cell, vpc_id, "legacy", "left over from a decommissioned service")
        ec2.authorize_security_group_ingress(
            GroupId=legacy,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
            ],
        )
        cell.expect("security-group-unused", legacy, F, "attached to nothing, referenced by nothing")
    # Default groups are never flagged (they cannot be deleted).
    defaults = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])
    for group in defaults["SecurityGroups"]:
        cell.expect("security-group-unused", group["GroupId"], OK, "default group")
    cell.network = Network(vpc_id, (subnets[0], subnets[1]), app_sg, lb_sg)
    return cell.network


def _group(cell: SeedCell, vpc_id: str, role: str, description: str) -> str:
    name = cell.name(f"{role}-sg")
    group_id: str = cell.client("ec2").create_security_group(
        GroupName=name,
        Description=description,
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": cell.tags(name)}],
    )["GroupId"]
    return group_id


def seed_interfaces(cell: SeedCell) -> None:
    """Detached network interfaces (flagged); in-use ones come with instances and managed services."""
    ec2 = cell.client("ec2")
    for _ in range(cell.rng.randint(1, 2)):
        name = cell.name("eni")
        eni = ec2.create_network_interface(
            SubnetId=cell.rng.choice(cell.net.subnet_ids),
            Description="detached from a terminated instance",
            TagSpecifications=[{"ResourceType": "network-interface", "Tags": cell.tags(name)}],
        )["NetworkInterface"]
        cell.expect("eni-unattached", eni["NetworkInterfaceId"], F, "available")


def seed_nat_gateways(cell: SeedCell) -> None:
    ec2 = cell.client("ec2")
    for scenario in ("busy", "idle-no-traffic", "idle-trickle"):
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        name = cell.name("nat")
        nat = ec2.create_nat_gateway(
            SubnetId=cell.net.subnet_ids[0],
            AllocationId=allocation,
            TagSpecifications=[{"ResourceType": "natgateway", "Tags": cell.tags(name)}],
        )["NatGateway"]
        nat_id = nat["NatGatewayId"]
        for address in nat.get("NatGatewayAddresses", []):
            eni_id = address["NetworkInterfaceId"]
            fidelity.mark_service_managed(
                cell.account_id, cell.region, eni_id, "nat_gateway", f"Interface for NAT Gateway {nat_id}"
            )
            cell.expect("eni-unattached", eni_id, OK, "NAT gateway interface")
        cell.expect("eip-unassociated", allocation, OK, "NAT gateway address")
        dims = {"NatGatewayId": nat_id}
        if scenario == "busy":
            cell.history.add("AWS/NATGateway", "BytesOutToDestination", dims, low=2 * _GIB, high=40 * _GIB,
                             days=cell.history_days, unit="Bytes", per_day=True)
            cell.expect("nat-gateway-idle", nat_id, OK, "busy")
        elif scenario == "idle-trickle":
            cell.history.add("AWS/NATGateway", "BytesOutToDestination", dims, low=0, high=40 * 1024,
                             days=cell.history_days, unit="Bytes", per_day=True)
            cell.expect("nat-gateway-idle", nat_id, F, "idle: a few KB a day")
        else:
            cell.expect("nat-gateway-idle", nat_id, F, "idle: no traffic reported")


def seed_vpc_endpoints(cell: SeedCell) -> None:
    ec2 = cell.client("ec2")
    services = ("ssm", "ecr.api", "logs", "sts")
    for scenario, service in zip(("busy", "idle"), cell.rng.sample(services, 2), strict=True):
        service_name = f"com.amazonaws.{cell.region}.{service}"
        endpoint = ec2.create_vpc_endpoint(
            VpcId=cell.net.vpc_id,
            ServiceName=service_name,
            VpcEndpointType="Interface",
            SubnetIds=[cell.net.subnet_ids[0]],
            TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": cell.tags(cell.name("vpce"))}],
        )["VpcEndpoint"]
        endpoint_id = endpoint["VpcEndpointId"]
        for eni_id in endpoint.get("NetworkInterfaceIds", []):
            fidelity.mark_service_managed(
                cell.account_id, cell.region, eni_id, "vpc_endpoint", f"VPC Endpoint Interface {endpoint_id}"
            )
            cell.expect("eni-unattached", eni_id, OK, "interface endpoint interface")
        if scenario == "busy":
            dims = {
                "Endpoint Type": "Interface",
                "Service Name": service_name,
                "VPC Endpoint Id": endpoint_id,
                "VPC Id": cell.net.vpc_id,
            }
            cell.history.add("AWS/PrivateLinkEndpoints", "BytesProcessed", dims, low=20 * _MIB, high=2 * _GIB,
                             days=cell.history_days, unit="Bytes", per_day=True)
            cell.expect("vpc-endpoint-idle", endpoint_id, OK, "busy interface endpoint")
        else:
            cell.expect("vpc-endpoint-idle", endpoint_id, F, "interface endpoint with no traffic")
    gateway = ec2.create_vpc_endpoint(
        VpcId=cell.net.vpc_id, ServiceName=f"com.amazonaws.{cell.region}.s3", VpcEndpointType="Gateway"
    )["VpcEndpoint"]
    cell.expect("vpc-endpoint-idle", gateway["VpcEndpointId"], OK, "gateway endpoint (free, not evaluated)")


__all__ = ["seed_interfaces", "seed_nat_gateways", "seed_network", "seed_vpc_endpoints"]
