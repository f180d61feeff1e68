"""What the tests share: factories, logged-in clients, quiz and exam helpers, thread harnesses.

Test modules import from here (fixtures come from tests/conftest.py), never from one another:
tests/test_test_layout.py fails on a test module, or conftest.py, imported by another module.
"""
