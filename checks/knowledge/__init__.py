"""Domain knowledge: the statutory topics, the inspection criteria, phrase finding, plain-language measures."""
