"""The ArubaOS 8 REST API in the lab: every SSH device of the lab also answers on HTTPS (issue 30).

One model, two faces: api.py serves the same LabCore the SSH face serves. A `showcommand` runs the
command on a CLI session of the device (shell.py, as SSH does) and screens.py turns the screen into the
JSON the real API returns; a configuration object POST becomes the CLI lines it stands for, typed on that
session (objects.py), so pending changes, refusals and `write_memory` are the SSH ones. Certificates come
from the lab's CA (clearpass/certs.py). docs/rest-api.md says what is confirmed and what is not.
"""
