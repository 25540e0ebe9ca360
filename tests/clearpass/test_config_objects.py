"""The lab ClearPass's policy configuration over real HTTPS (issue 28), as the backup reads it: paged HAL
lists, a service's list a summary and its object the detail, a 6.7 server without the services' API, PATCH
checked like a real server's."""

from __future__ import annotations

import pytest

from wifiops.errors import ClearPassNotFound, ClearPassRefused


def test_pages_add_up_to_the_whole_list_and_a_67_server_has_no_services(client) -> None:
    cp = client("cppm-1")
    whole = cp.all_items("/auth-method")
    assert [m["name"] for m in cp.all_items("/auth-method", page_size=2)] == [m["name"] for m in whole]
    assert len(whole) == 5 and "[EAP TLS]" in [m["name"] for m in whole]
    first = cp.get("/role", {"offset": 0, "limit": 2, "calculate_count": "true"})
    assert first["count"] == 5 and "next" in first["_links"] and len(first["_embedded"]["items"]) == 2
    with pytest.raises(ClearPassNotFound):
        cp.get("/config/service")  # 6.7.7: from 6.8 only


def test_a_611_server_lists_services_as_a_summary_and_patches_what_exists(client) -> None:
    cp = client("cppm-3")  # the replacement cluster, 6.11: ClearPass's own services only
    listed = cp.all_items("/config/service")
    assert set(listed[0]) == {"id", "name", "type", "template", "enabled", "order_no", "_links"}
    detail = cp.get(f"/config/service/{listed[0]['id']}")
    assert "enf_policy" in detail and "auth_methods" in detail
    changed = cp.request("PATCH", f"/config/service/{listed[0]['id']}", json={"description": "lab"}).json()
    assert changed["description"] == "lab"
    with pytest.raises(ClearPassRefused, match="not a field"):
        cp.request("PATCH", f"/config/service/{listed[0]['id']}", json={"colour": "red"})
    with pytest.raises(ClearPassRefused, match="expected a bool"):
        cp.request("PATCH", f"/config/service/{listed[0]['id']}", json={"enabled": "yes"})
