"""The controller's device fingerprint (`show user-table` Type) as a terminal type and an OS: devicetypes.yaml.

Data, not code: a fingerprint a real table shows and the file lacks is one line to add. The statistics keep the
fingerprint itself and, counted at the same time, its terminal type and OS through this table (a peak per OS
cannot be rebuilt from peaks per fingerprint): a line added here counts from the next sample on, and the
figures already kept by fingerprint (`wifiops stats --by device`) show what the older ones were.
"""

from __future__ import annotations

from functools import cache

from wifiops.aos8.data import Fact, load


class Kind(Fact):
    terminal: str
    os: str


class DeviceTypes(Fact):
    unknown: Kind
    types: dict[str, Kind]

    def of(self, fingerprint: str) -> Kind:
        """The terminal type and OS of a fingerprint; `unknown` for one the table does not list (or none)."""
        return self.types.get(fingerprint.strip()) or self.unknown


@cache
def device_types() -> DeviceTypes:
    return load("devicetypes.yaml", DeviceTypes)
