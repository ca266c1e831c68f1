"""The partner REST API (Django REST framework)."""
