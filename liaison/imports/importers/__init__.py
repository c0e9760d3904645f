"""One module per importer; each registers itself with liaison.imports.registry.register."""
