"""Claim matching: fit the fusion weights (`models/matching/fusion.json`) and evaluate on CheckThat! 2020."""
