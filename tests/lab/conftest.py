"""tests/lab use the in-process lab of wifiops.lab.testing (fixtures `lab`, `fresh_lab`)."""

pytest_plugins = ["wifiops.lab.testing"]
