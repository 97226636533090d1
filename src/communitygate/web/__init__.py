"""Base templates, navigation, the home page, static assets, the admin site and the URL map."""
