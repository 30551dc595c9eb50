# A thin shim: pyproject.toml is the source of metadata and dependencies.
# Older bench versions still run `pip install -e` through setup.py.
from setuptools import setup

setup()
