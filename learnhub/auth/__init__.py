"""Users, roles, login/logout, API tokens and the admin's user management."""
