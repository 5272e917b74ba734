"""Preventive maintenance: the visits each installed unit's cycle makes due in a horizon."""

from dispatch.maintenance.assets_file import read_assets
from dispatch.maintenance.cycles import Asset, Horizon, visits_due

__all__ = ["Asset", "Horizon", "read_assets", "visits_due"]
