"""Persistence adapter (see docs/DESIGN.md)."""
