"""rectify: inspection rectification ledgers (巡察整改台账) as YAML files, with a CLI."""

__version__ = "0.1.0"
