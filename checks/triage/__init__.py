"""After the rules: who fixes each finding, which are waived, and what changed since the last run."""
