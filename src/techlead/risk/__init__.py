"""Defect risk of changes: Kamei's change metrics, SZZ labels, a model and its evaluation."""
