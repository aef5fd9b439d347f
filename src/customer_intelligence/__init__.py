"""Customer intelligence: the Python logic shared by the dbt Python models, the tests and the CLI."""

__version__ = "0.1.0"
