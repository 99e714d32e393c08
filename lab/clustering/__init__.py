"""Clustering: the service's clustering evaluated as a clustering task on CheckThat! 2020."""
