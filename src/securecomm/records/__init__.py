"""securecomm.records — the record systems: people, criminal history, immigration
history, agencies.
"""
