"""Scheduling rules kept free of Flask and the database, so they can be tested and reasoned about alone."""
