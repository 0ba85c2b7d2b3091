"""What the district's own history predicts: a category for a report's text, the overdue risk."""
