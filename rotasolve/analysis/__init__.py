"""Reading an allocation for people: why a requirement is unmet, compliance per trainee and
trust, warnings about the input, and the words and colours statuses are shown in."""
