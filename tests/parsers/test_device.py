"""One-record outputs and the license table: show version, license, cpuload, memory, clock."""

from __future__ import annotations

import datetime

from parsersamples import parse_sample


def test_version_names_each_hosts_model_from_the_inventory(lab_parsed, estate) -> None:
    for host in ("mm-1", "mc-1"):
        parsed = lab_parsed[(host, "show version")]
        assert parsed.unparsed == []
        [record] = parsed.records
        assert record["model"] == estate.hosts[host]["model"]
        assert record["version"].startswith("8.10.") and record["release_type"] == "LSR"
        assert record["uptime_s"] > 3600 and isinstance(record["build"], int)


def test_version_samples_from_three_releases() -> None:
    assert parse_sample("show version", "version_9004_8.7.txt").records == [{
        "model": "Aruba9004", "version": "8.7.0.0-2.3.0.7", "release_type": None, "build": 83952,
        "uptime_s": 131 * 86400 + 6 * 3600 + 55 * 60 + 26, "reboot_cause": "AC Power Cycle (Intent:cause: 86:50)"}]
    [record] = parse_sample("show version", "version_7210_8.10.txt").records
    assert (record["model"], record["version"], record["release_type"], record["build"], record["uptime_s"]) == (
        "Aruba7210", "8.10.0.7", "LSR", 87196, 3 * 3600 + 12 * 60 + 5)
    [record] = parse_sample("sh ver", "version_7005_8.5_crlf.txt").records    # CRLF line ends
    assert (record["model"], record["version"], record["build"], record["uptime_s"]) == (
        "Aruba7005", "8.5.0.0-2.1.0.3", 77821, 2 * 86400 + 60)


def test_a_refusal_is_reported_not_read_as_an_empty_version() -> None:
    parsed = parse_sample("show version", "version_refused.txt")
    assert parsed.records == []
    [refused] = parsed.unparsed
    assert (refused.line, refused.text) == (1, "Command is not supported for this platform")
    assert "model" in refused.why


def test_license_on_the_conductor_and_on_an_md(lab_parsed) -> None:
    parsed = lab_parsed[("mm-1", "show license")]
    assert parsed.unparsed == []
    access_points = [r for r in parsed.records if r["service_type"] == "Access Points"]
    assert len(access_points) == 1 and access_points[0]["count"] >= 358 and access_points[0]["flags"] == "E"
    assert all(r["expires"] == "Never" for r in parsed.records)
    md = lab_parsed[("mc-1", "show license")]
    assert (md.records, md.unparsed) == ([], [])          # licences live on the conductor


def test_license_counts_trials_empty_flags_and_a_cut_row() -> None:
    parsed = parse_sample("show license", "license.txt")
    assert [(r["service_type"], r["count"], r["expires"], r["flags"]) for r in parsed.records] == [
        ("Access Points", 12, "Never", "E"),
        ("RF Protect", 12, "2025-01-10 (2025-02-09)", "ET"),
        ("Next Generation Policy Enforcement Firewall Module", 12, "Never", ""),
        ("Access Points", 4, "Never", "EA"),                 # tabs
        ("Indoor Mesh", None, "Never", "E"),                 # a service without a count
    ]
    [cut] = parsed.unparsed
    assert cut.line == 10 and cut.text.startswith("Cc33Dd44")


def test_cpuload_and_memory(lab_parsed) -> None:
    for host in ("mm-1", "mc-1"):
        [cpu] = lab_parsed[(host, "show cpuload")].records
        assert abs(cpu["user"] + cpu["system"] + cpu["idle"] - 100) < 0.2
        [memory] = lab_parsed[(host, "show memory")].records
        assert memory["used_kb"] + memory["free_kb"] == memory["total_kb"] > 0
    assert parse_sample("show cpuload", "cpuload.txt").records == [{"user": 4.7, "system": 10.9, "idle": 84.4}]
    assert parse_sample("show memory", "memory.txt").records == [
        {"total_kb": 7755164, "used_kb": 4477116, "free_kb": 3278048}]


def test_clock(lab_parsed) -> None:
    [record] = lab_parsed[("mm-1", "show clock")].records
    assert datetime.datetime.fromisoformat(record["datetime"]).year >= 2024 and record["timezone"]
    assert parse_sample("show clock", "clock_ms.txt").records == [
        {"datetime": "2024-03-18T10:25:48.123000", "timezone": "UTC"}]
    assert parse_sample("show clock", "clock_no_ms.txt").records == [
        {"datetime": "2025-12-05T23:59:01", "timezone": "CEST"}]
