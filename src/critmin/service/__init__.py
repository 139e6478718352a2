"""Web service adapter: FastAPI app, REST API per domain, OGC API – Features, static web UI."""
