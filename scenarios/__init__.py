"""Scenario generators and public benchmark instances for the dispatch optimizer."""
