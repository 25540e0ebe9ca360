"""`python -m wifiops ...`, the same as the `wifiops` command."""

from wifiops.entry import main

main()
