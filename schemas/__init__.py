"""The JSON Schemas, installed inside the package as `hooks.schemas` so an installed copy finds them."""
