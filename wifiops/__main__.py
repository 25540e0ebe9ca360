"""`python -m wifiops ...`, the same as the `wifiops` command."""

from wifiops.cli import main

main()
