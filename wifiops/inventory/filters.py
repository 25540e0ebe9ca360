"""Which inventory hosts a verb works on, as Nornir filters: a fact of the inventory (data), read by the engine that
opens sessions and by supervision's rules that open none."""

from __future__ import annotations

from nornir.core.filter import F

# Hosts a CLI session can reach; APs are data reached through their controllers. A planned host (bought, not
# yet racked: `lifecycle: planned`) is not one of them: no verb tries it, no check expects it.
PLANNED = F(platform="aruba_os", lifecycle="planned")
MANAGED = F(platform="aruba_os") & ~F(lifecycle="planned")
