"""Courses and units read from content/, their index in the database, and their pages."""
