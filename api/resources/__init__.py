"""One blueprint per area of the API, all under /api/v1."""
