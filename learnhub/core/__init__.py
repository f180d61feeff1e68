"""Shared infrastructure: types, rendering, permissions, errors. Imports no feature."""
