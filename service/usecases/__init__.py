"""Use cases: what the service does for a request or a command, each owning its transaction.

The HTTP edge (`service.api`, `service.web`) and the CLI reach the store and the models only through here.
"""
