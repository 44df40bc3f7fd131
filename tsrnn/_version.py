"""The package version: the one place it is written (read by hatchling at build time).

It imports nothing, so any module can read it without importing the package face.
"""

__version__ = "0.1.0.dev0"
