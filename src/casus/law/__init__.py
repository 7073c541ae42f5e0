"""What is in force on a date, and whether a casus arises: pure functions over the model."""
