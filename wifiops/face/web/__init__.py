"""`wifiops serve`: the read-only page for the Louvre's staff (app.py: the aiohttp application and its login;
serve.py: the command; templates/: the page and the login form, self-contained, no build step, no CDN)."""
