"""The force: reported figures (kept apart where sources disagree), contingents, the mandate,
and the host personnel that guard duty released, computed from explicit planning assumptions."""
