"""Item pipelines, adapters only, in order: capture (the fetch as plain data), extraction
(the Article, in worker processes), archive (the record, through the one archive writer)."""
