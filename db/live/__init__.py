"""The live path: the change feed, its queries, validation, records, the store and figures."""
