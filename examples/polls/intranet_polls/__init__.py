"""Polls: quick questions to the task force, one vote per member (an example plugin)."""
