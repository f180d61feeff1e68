"""Quizzes and exams: question files, attempts with a server-side clock, grading."""
