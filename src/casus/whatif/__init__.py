"""Counterfactuals: change any input of an evaluation and see what changes; list every minimal
set of changes that would turn the outcome; tabulate the outcome over a grid of inputs."""
