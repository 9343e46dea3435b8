"""The dashboard: a FastAPI app over the same engine and results store as the command line."""
