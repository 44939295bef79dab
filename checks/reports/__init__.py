"""The reports contract: the finding model, a run's result, and the reports folder written from it."""
