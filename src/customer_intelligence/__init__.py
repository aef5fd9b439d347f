"""Customer intelligence: the Python logic the dbt Python models, tests and CLI share."""

__version__ = "0.1.0"
