"""Joins the law and the vote over a request: an Evaluation with a cited explanation tree."""
