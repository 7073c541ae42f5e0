"""Voting rules: from members' positions to an organ's decision, and who was pivotal."""
