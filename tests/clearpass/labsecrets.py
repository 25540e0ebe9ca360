"""The lab's values that the ClearPass tests look for where they must never be (inventory/lab/secrets.yaml)."""

RADIUS_KEY = "lab-radius-key"  # the estate's RADIUS shared secret
CLIENT_SECRET = "lab-clearpass-client-secret"  # the API client's secret
