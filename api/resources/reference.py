"""Reference data: regions, engineers, customers, sites, contracts, depots and parts."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields

from api.models import Contract, Customer, Depot, Engineer, Part, Region, Role, Site
from api.resources.crud import Resource, register
from api.schemas.reference_shapes import (
    ContractSchema,
    CustomerSchema,
    DepotSchema,
    EngineerSchema,
    PartSchema,
    RegionSchema,
    SiteSchema,
)

blp = Blueprint(
    "reference",
    __name__,
    url_prefix="/api/v1",
    description="Regions, engineers, customers, sites, contracts, depots and parts.",
)

READERS = (Role.DISPATCHER, Role.PLANNER)

RESOURCES = (
    Resource("regions", Region, RegionSchema, read_roles=READERS, write_roles=()),
    Resource(
        "engineers",
        Engineer,
        EngineerSchema,
        filters={
            "region_id": (fields.String(), lambda v: Engineer.region_id == v),
            "active": (fields.Boolean(), lambda v: Engineer.active == v),
        },
        read_roles=READERS,
        write_roles=(Role.DISPATCHER,),
        references={"region_id": Region},
    ),
    Resource(
        "customers", Customer, CustomerSchema, read_roles=READERS, write_roles=(Role.DISPATCHER,)
    ),
    Resource(
        "sites",
        Site,
        SiteSchema,
        filters={
            "region_id": (fields.String(), lambda v: Site.region_id == v),
            "customer_id": (fields.String(), lambda v: Site.customer_id == v),
        },
        read_roles=READERS,
        write_roles=(Role.DISPATCHER,),
        references={"region_id": Region, "customer_id": Customer},
    ),
    Resource(
        "contracts",
        Contract,
        ContractSchema,
        filters={
            "customer_id": (fields.String(), lambda v: Contract.customer_id == v),
            "tier": (fields.String(), lambda v: Contract.tier == v),
        },
        read_roles=READERS,
        write_roles=(Role.DISPATCHER,),
        references={"customer_id": Customer},
    ),
    Resource(
        "depots",
        Depot,
        DepotSchema,
        filters={"region_id": (fields.String(), lambda v: Depot.region_id == v)},
        read_roles=READERS,
        write_roles=(Role.PLANNER,),
        references={"region_id": Region},
    ),
    Resource("parts", Part, PartSchema, read_roles=READERS, write_roles=(Role.PLANNER,)),
)

for resource in RESOURCES:
    register(blp, resource)
