"""Reports for people: the DOE's as-built documentation, drawn from a report model by Jinja2 templates."""
