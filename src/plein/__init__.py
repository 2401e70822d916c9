"""Integriteitsplein: the integrity infrastructure of a Dutch public organisation."""

__version__ = "0.1.0"
