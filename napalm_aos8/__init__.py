"""NAPALM driver for ArubaOS 8 (`napalm.get_network_driver("aos8")`); the driver lives in aos8.py."""
from napalm_aos8.aos8 import Aos8Driver  # noqa: F401
