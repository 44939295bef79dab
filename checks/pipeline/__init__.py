"""The check pipeline: the rule registry, what a rule is given, and the engine that runs them."""
