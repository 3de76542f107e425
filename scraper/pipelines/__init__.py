"""Item pipelines are adapters: response -> Capture, then extractor + archive."""
