"""The domain core: extraction, relation, clustering, ranking and schema.org formats; no HTTP, no SQL."""
