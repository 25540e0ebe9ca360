"""Minor anomalies from the configuration (contract, CCTP §5: each device's functions, configuration and
installation are checked, and a failed check opens a minor ticket): `wifiops diff`'s verdict per node, and the
pending leftover changes (a firewall sheet not yet confirmed done), as conditions of the watch.

A check's verdict is not noisy: one non-compliant reading raises the alert, one compliant reading clears it
(HYSTERESIS), whatever the inventory's default. No incident rule of the inventory names these kinds (its
schema's alert kinds are the device checks'), so each opens a minor incident with no restoration deadline
(MINOR): a planned fix. Between two compliance checks, the remembered conditions are sampled unknown, so the
watch keeps them as they are rather than clearing them as "no longer supervised".

Pure: the compliance report (wifiops.engine.diff.ComplianceReport) is read, not made, here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wifiops.inventory.schema import Hysteresis
from wifiops.supervision.evaluate import Sample

DRIFT = "drift"
PENDING = "pending"
KINDS = (DRIFT, PENDING)
HYSTERESIS = Hysteresis(raise_after=1, clear_after=1)
MINOR = "minor"


def samples(report: Any) -> list[Sample]:
    """One sample per node the intent renders, and one per firewall segment whose sheet is pending."""
    found = []
    for node in report.nodes:
        differing = sorted(f for f, ok in node.features.items() if not ok)
        lines = sum(1 for line in node.remediation.splitlines() if line.strip())
        said = (f"{node.node}: the configuration ({node.source}) differs from the intent"
                + (f" in {', '.join(differing)}" if differing else "")
                + f", {lines} line(s) to send: see `wifiops diff`") if not node.compliant \
            else f"{node.node}: compliant with the intent ({node.source})"
        found.append(Sample(DRIFT, node.node, not node.compliant, said, {"features": differing}))
    for sheet in getattr(report, "firewall", []):
        if sheet.pending:
            found.append(Sample(PENDING, f"firewall {sheet.segment}", True,
                                f"firewall segment {sheet.segment}: a change is pending ({sheet.action}), not "
                                "confirmed done: see `wifiops diff --feature qos`", {}))
    return found


def cleared_pending(known: Iterable[str], sampled: list[Sample]) -> list[Sample]:
    """A pending change no longer listed is done: a good sample for each remembered one not in `sampled`."""
    seen = {s.key for s in sampled}
    return [Sample(PENDING, key.split(":", 1)[1], False, f"{key.split(':', 1)[1]}: no longer pending", {})
            for key in known if key.startswith(f"{PENDING}:") and key not in seen]


def held(known: Iterable[str]) -> list[Sample]:
    """Between two compliance checks: every remembered condition of these kinds, sampled unknown (kept)."""
    return [Sample(key.split(":", 1)[0], key.split(":", 1)[1], None, "not checked this cycle", {})
            for key in known if key.split(":", 1)[0] in KINDS]
