"""Batches of many curves for the REST API and the Batch page.

work (one curve, in whichever process runs it) -> store (the batch's state in the shared
cache) -> embedded (a web worker's process pool, no Redis) or celery_queue (one Celery task
per curve, with REDIS_URL) -> service (start, read, summarise: what routes and pages call).
"""
