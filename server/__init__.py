"""HTTP layer: FastAPI routes, templates and middleware; everything else lives in geo/ and layers/."""
