"""ClearPass Policy Manager in the lab: every `platform: clearpass` host of the lab inventory on HTTPS.

state.py holds what the servers know (clusters, network devices, the API client, tokens), api.py serves it
(aiohttp, one listener per host), certs.py makes the lab's CA and the servers' certificates. The lab core
(core.py) owns the state and saves it with the rest; server.py and testing.py start the listeners.
"""
