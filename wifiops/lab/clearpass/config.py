"""The policy configuration a lab ClearPass cluster holds besides its network devices: services,
enforcement policies and profiles, roles and role mappings, authentication sources and methods, and its
certificates' metadata, as the REST API lists them (pyclearpass 6.11 SDK paths, PowerArubaCP's README for
what a real server answers).

Deliberate duplication: the toolkit reads the same API from wifiops/clearpass/backup.yaml on its own.

Which version offers what [R: PowerArubaCP's own checks]: `/api/config/service` from 6.8,
`/api/enforcement-policy` and `/api/enforcement-profile` from 6.11; a server below that answers 404 as
for any path it does not know. The others are served by every version [UNVERIFIED for 6.7].

Seeds: ClearPass's own `[...]` system objects (ids as a real server numbers them) and the Louvre's own
(ids from 3001): the 802.1X service of `Intra_Louvre` against the museum's Active Directory, the Onboard
EAP-TLS service of `Mobil_Louvre` and `Bill_Louvre` (louvre-estate.md). The AD source's bind password is
answered as stored [UNVERIFIED whether a real server blanks it]: the backup must scrub it either way.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

FIRST_OWN_ID = 3001


@dataclass(frozen=True)
class Kind:
    """One object kind: its API path (under /api), the version it appeared in, and the fields a list shows
    (None: every field; the services' list shows a summary, the object its whole detail)."""

    key: str
    path: str
    since: tuple[int, int] = (0, 0)
    summary: tuple[str, ...] | None = None
    writable: bool = True  # PATCH by id


KINDS: tuple[Kind, ...] = (
    Kind("service", "/config/service", (6, 8), ("id", "name", "type", "template", "enabled", "order_no")),
    Kind("enforcement-policy", "/enforcement-policy", (6, 11)),
    Kind("enforcement-profile", "/enforcement-profile", (6, 11)),
    Kind("role", "/role"),
    Kind("role-mapping", "/role-mapping"),
    Kind("auth-source", "/auth-source"),
    Kind("auth-method", "/auth-method"),
    Kind("service-cert", "/service-cert", writable=False),
    Kind("cert-trust-list-details", "/cert-trust-list-details", writable=False),
)
BY_PATH = {k.path: k for k in KINDS}


def _service(id_: int, name: str, type_: str, template: str, order: int, **more: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": id_, "name": name, "type": type_, "template": template, "enabled": True, "order_no": order,
        "description": more.pop("description", ""), "monitor_mode": False, "rules_match_type": "MATCHES_ANY",
        "rules_conditions": more.pop("rules_conditions", []), "auth_methods": more.pop("auth_methods", []),
        "auth_sources": more.pop("auth_sources", []), "strip_username": False, "strip_username_csv": "",
        "role_mapping_policy": more.pop("role_mapping_policy", ""), "enf_policy": more.pop("enf_policy", ""),
        "use_cached_policy_results": False, "authz_sources": [], "posture_enabled": False,
        "profiler_enabled": False, "acct_proxy_enabled": False}
    body.update(more)
    return body


def seed(publisher: str, ssids: dict[str, str]) -> dict[str, dict[int, dict[str, Any]]]:
    """The objects of a cluster in service. `ssids` names the Louvre's SSIDs (intra, onboard)."""
    intra, onboard = ssids.get("intra", "Intra_Louvre"), ssids.get("onboard", "Mobil_Louvre")
    services = [
        _service(1, "[Policy Manager Admin Network Login Service]", "TACACS", "TACACS+ Enforcement", 1,
                 enf_policy="[Admin Network Login Policy]", auth_sources=["[Admin User Repository]"]),
        _service(2, "[AirGroup Authorization Service]", "RADIUS", "RADIUS Enforcement ( Generic )", 2,
                 enf_policy="[AirGroup Enforcement Policy]"),
        _service(10, "[Aruba Device Access Service]", "TACACS", "TACACS+ Enforcement", 3,
                 enf_policy="[Aruba Device Access Policy]"),
        _service(11, "[Guest Operator Logins]", "Application", "Aruba Application Authentication", 4),
        _service(12, "[Insight Operator Logins]", "Application", "Aruba Application Authentication", 5),
        _service(13, "[Device Registration Disconnect]", "WEBAUTH", "Web-based Authentication", 6),
        _service(FIRST_OWN_ID, "Louvre 802.1X Intra", "RADIUS", "Aruba 802.1X Wireless", 7,
                 description=f"{intra}: staff against the museum's Active Directory",
                 rules_conditions=[{"type": "Radius:Aruba", "name": "Aruba-Essid-Name", "operator": "EQUALS",
                                    "value": intra}],
                 auth_methods=["[EAP PEAP]", "[EAP MSCHAPv2]"], auth_sources=["AD Louvre"],
                 role_mapping_policy="Louvre Role Mapping", enf_policy="Louvre Intra Enforcement"),
        _service(FIRST_OWN_ID + 1, "Louvre Onboard EAP-TLS", "RADIUS", "Aruba 802.1X Wireless", 8,
                 description=f"{onboard} and Bill_Louvre: certificates issued by ClearPass Onboard",
                 rules_conditions=[{"type": "Radius:Aruba", "name": "Aruba-Essid-Name", "operator": "BELONGS_TO",
                                    "value": f"{onboard},Bill_Louvre"}],
                 auth_methods=["[EAP TLS]"], auth_sources=["[Onboard Devices Repository]"],
                 enf_policy="Louvre Onboard Enforcement"),
    ]
    profiles = [
        {"id": 1, "name": "[Allow Access Profile]", "description": "System-defined profile to allow network access",
         "type": "RADIUS", "action": "Accept", "device_group_list": [], "attributes": []},
        {"id": 2, "name": "[Deny Access Profile]", "description": "System-defined profile to deny network access",
         "type": "RADIUS", "action": "Reject", "device_group_list": [], "attributes": []},
        {"id": 3, "name": "[Drop Access Profile]", "description": "System-defined profile to drop the request",
         "type": "RADIUS", "action": "Drop", "device_group_list": [], "attributes": []},
        {"id": FIRST_OWN_ID, "name": "Louvre Staff Role", "description": "Aruba user role of the staff",
         "type": "RADIUS", "action": "Accept", "device_group_list": [],
         "attributes": [{"type": "Radius:Aruba", "name": "Aruba-User-Role", "value": "louvre-staff"}]},
        {"id": FIRST_OWN_ID + 1, "name": "Louvre Internet Only", "description": "Staff smartphones: internet",
         "type": "RADIUS", "action": "Accept", "device_group_list": [],
         "attributes": [{"type": "Radius:Aruba", "name": "Aruba-User-Role", "value": "louvre-internet"}]},
    ]
    policies = [
        {"id": 5, "name": "[Admin Network Login Policy]", "enforcement_type": "TACACS",
         "description": "Enforcement policy controlling access to Policy Manager Admin",
         "default_enforcement_profile": "[TACACS+ Deny Profile]", "rule_eval_algo": "evaluate-all", "rules": []},
        {"id": 7, "name": "[AirGroup Enforcement Policy]", "enforcement_type": "RADIUS",
         "description": "Enforcement policy controlling access for AirGroup devices",
         "default_enforcement_profile": "[AirGroup Response]", "rule_eval_algo": "evaluate-all", "rules": []},
        {"id": FIRST_OWN_ID, "name": "Louvre Intra Enforcement", "enforcement_type": "RADIUS", "description": "",
         "default_enforcement_profile": "[Deny Access Profile]", "rule_eval_algo": "first-applicable",
         "rules": [{"enforcement_profile_names": ["Louvre Staff Role"],
                    "condition": [{"type": "Tips", "name": "Role", "oper": "EQUALS", "value": "Louvre Staff"}]}]},
        {"id": FIRST_OWN_ID + 1, "name": "Louvre Onboard Enforcement", "enforcement_type": "RADIUS",
         "description": "", "default_enforcement_profile": "[Deny Access Profile]",
         "rule_eval_algo": "first-applicable",
         "rules": [{"enforcement_profile_names": ["Louvre Internet Only"],
                    "condition": [{"type": "Certificate", "name": "Issuer-CN", "oper": "CONTAINS",
                                   "value": "Onboard"}]}]},
    ]
    roles = [{"id": 3, "name": "[Guest]", "description": "Default role for a Guest"},
             {"id": 20, "name": "[Contractor]", "description": "Default role for a contractor"},
             {"id": 21, "name": "[Other]", "description": "Default role for another user or device"},
             {"id": 22, "name": "[Employee]", "description": "Default role for an employee"},
             {"id": FIRST_OWN_ID, "name": "Louvre Staff", "description": "Staff of the museum (AD group)"}]
    mappings = [{"id": FIRST_OWN_ID, "name": "Louvre Role Mapping", "description": "",
                 "default_role_name": "[Other]", "rule_combine_algo": "first-applicable",
                 "rules": [{"match_type": "OR", "role_name": "Louvre Staff",
                            "condition": [{"type": "Authorization:AD Louvre", "name": "memberOf",
                                           "oper": "CONTAINS", "value": "GG-WIFI-STAFF"}]}]}]
    sources = [
        {"id": 1, "name": "[Local User Repository]", "type": "Local", "use_for_authorization": True,
         "description": "Authenticate users against Policy Manager local user database"},
        {"id": 5, "name": "[Onboard Devices Repository]", "type": "Local", "use_for_authorization": True,
         "description": "Authenticate Onboard devices against Policy Manager local database"},
        {"id": 6, "name": "[Admin User Repository]", "type": "Local", "use_for_authorization": True,
         "description": "Authenticate users against Policy Manager admin user database"},
        {"id": FIRST_OWN_ID, "name": "AD Louvre", "type": "AD", "use_for_authorization": True,
         "description": "Active Directory of the museum", "server_timeout": 10, "cache_timeout": 36000,
         "authorization_source_names": [],
         "cppm_primary_auth_source_connection_details": {
             "server_name": "ad1.louvre.local", "port": 389, "connection_security": "StartTLS",
             "base_dn": "DC=louvre,DC=local", "bind_user": "CN=svc-clearpass,OU=Services,DC=louvre,DC=local",
             "password": "Lab-AD-bind-2026!", "netbios_name": "LOUVRE"}},
    ]
    methods = [
        {"id": 1, "name": "[PAP]", "description": "Default settings for PAP", "method_type": "PAP",
         "details": {"encryption_scheme": "auto"}, "inner_methods": []},
        {"id": 2, "name": "[MSCHAP]", "description": "Default settings for MSCHAP", "method_type": "MSCHAP",
         "details": None, "inner_methods": []},
        {"id": 3, "name": "[EAP TLS]", "description": "Default settings for EAP-TLS", "method_type": "EAP-TLS",
         "details": {"override_cert_url": "false", "ocsp_enable": "none", "session_cache_enable": "true",
                     "autz_required": "true", "certificate_comparison": "none", "session_timeout": "6"},
         "inner_methods": []},
        {"id": 4, "name": "[EAP PEAP]", "description": "Default settings for EAP-PEAP", "method_type": "PEAP",
         "details": {"session_cache_enable": "true", "session_timeout": "6"},
         "inner_methods": ["[EAP MSCHAPv2]"]},
        {"id": 5, "name": "[EAP MSCHAPv2]", "description": "Default settings for EAP-MSCHAPv2",
         "method_type": "MSCHAPV2", "details": None, "inner_methods": []},
    ]
    service_certs = [{"id": FIRST_OWN_ID, "subject": "CN=radius.louvre.local",
                      "expiry_date": "Jun 30, 2027 23:59:59 CEST", "issue_date": "Jul 01, 2025 00:00:00 CEST",
                      "issued_by": "CN=Louvre Lab CA", "validity": "Valid",
                      "cert_file": "-----BEGIN CERTIFICATE-----\nMIIB...lab...\n-----END CERTIFICATE-----\n"}]
    trust = [{"id": 2029, "subject_DN": "CN=COMODO RSA Certification Authority,O=COMODO CA Limited,L=Salford,"
                                        "ST=Greater Manchester,C=GB",
              "issue_date": "2010/01/18 16:00:00", "expiry_date": "2038/01/18 15:59:59", "enabled": True,
              "valid": "valid", "signature_algorithm": "SHA384WITHRSA", "public_key_format": "X.509",
              "serial_number": "101909084537582093308941363524873193117", "cert_usage": ["Others"],
              "issuer_DN": "C=GB,ST=Greater Manchester,L=Salford,O=COMODO CA Limited,"
                           "CN=COMODO RSA Certification Authority"},
             {"id": FIRST_OWN_ID, "subject_DN": "CN=Louvre Lab CA,O=Musee du Louvre,C=FR",
              "issue_date": "2025/07/01 00:00:00", "expiry_date": "2035/06/30 23:59:59", "enabled": True,
              "valid": "valid", "signature_algorithm": "SHA256WITHRSA", "public_key_format": "X.509",
              "serial_number": "4242", "cert_usage": ["EAP", "Others"],
              "issuer_DN": "C=FR,O=Musee du Louvre,CN=Louvre Lab CA"}]
    del publisher  # the same objects on every cluster in service
    lists = {"service": services, "enforcement-policy": policies, "enforcement-profile": profiles, "role": roles,
             "role-mapping": mappings, "auth-source": sources, "auth-method": methods,
             "service-cert": service_certs, "cert-trust-list-details": trust}
    return {key: {int(o["id"]): o for o in items} for key, items in lists.items()}


def server_certs(members: list[str]) -> list[dict[str, Any]]:
    """`/api/server-cert`: the cluster's certificates by service (RADIUS, HTTPS), as a real one lists them."""
    items = []
    for service_id, service, kind in ((1, "RADIUS", "RADIUS Server Certificate"),
                                      (2, "HTTPS(RSA)", "HTTPS(RSA) Server Certificate")):
        items.append({"service_id": service_id, "service_name": service, "certificate_type": kind,
                      "subject": f"CN={members[0]}", "expiry_date": "Jun 30, 2027 23:59:59 CEST",
                      "issue_date": "Jul 01, 2025 00:00:00 CEST", "issued_by": "CN=Louvre Lab CA",
                      "validity": "Valid", "root_ca_cert": None, "intermediate_ca_cert": [],
                      "cert_file": "-----BEGIN CERTIFICATE-----\nMIIB...lab...\n-----END CERTIFICATE-----\n",
                      "enabled": True, "public_key_algorithm": "RSA"})
    return items


def shown(kind: Kind, item: dict[str, Any], *, listed: bool) -> dict[str, Any]:
    out = copy.deepcopy(item)
    if listed and kind.summary is not None:
        out = {k: out[k] for k in kind.summary if k in out}
    return out


def patch(item: dict[str, Any], body: dict[str, Any]) -> dict[str, str] | None:
    """Change `item` with `body`; a problem per field (unknown, or of another type) instead."""
    for key, value in body.items():
        if key in ("id", "_links"):
            return {key: "is the server's own"}
        if key not in item:
            return {key: "is not a field of this object"}
        if item[key] is not None and value is not None and type(item[key]) is not type(value):
            return {key: f"expected a {type(item[key]).__name__}"}
    item.update(copy.deepcopy(body))
    return None
