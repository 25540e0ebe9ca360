"""ClearPass Policy Manager, as wifiops meets it: its REST API over verified HTTPS (client.py), and the
comparison of two servers' network devices (compare.py). The engine (wifiops/engine/clearpass.py) finds the
servers in the inventory and the API client's secret in the secrets store; the face is `wifiops clearpass`.
"""
