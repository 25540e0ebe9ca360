"""Until `no paging`, long output stops at the pager, as on the device: a client that forgets to turn
paging off waits at `--More--` on the lab too, instead of passing here and hanging in the field."""

from __future__ import annotations

import asyncio

import asyncssh

MORE = "--More-- (q) quit (u) pageup (/) search (n) repeat"


async def _read_until(proc: asyncssh.SSHClientProcess, marker: str, timeout: float = 5.0) -> str:
    text = ""
    while marker not in text:
        try:
            text += await asyncio.wait_for(proc.stdout.read(65536), timeout)
        except TimeoutError:
            raise AssertionError(f"no {marker!r} within {timeout} s; read so far: {text[-300:]!r}") from None
    return text


async def _dialogue(port: int, user: str, password: str) -> dict[str, str]:
    seen: dict[str, str] = {}
    async with asyncssh.connect("127.0.0.1", port=port, username=user, password=password,
                                known_hosts=None) as conn:
        proc = await conn.create_process(term_type="vt100")
        await _read_until(proc, "[mynode] #")
        proc.stdin.write("show ap database\r")
        seen["first page"] = await _read_until(proc, MORE)
        proc.stdin.write(" ")
        seen["second page"] = await _read_until(proc, MORE)
        proc.stdin.write("q")
        seen["after q"] = await _read_until(proc, "[mynode] #")
        proc.stdin.write("no paging\r")
        await _read_until(proc, "[mynode] #")
        proc.stdin.write("show ap database\r")
        seen["unpaged"] = await _read_until(proc, "[mynode] #")
        proc.stdin.write("exit\r")
    return seen


def test_pager_until_no_paging(fresh_lab) -> None:
    user, password = fresh_lab.credentials
    seen = asyncio.run(_dialogue(fresh_lab.port("mm-2"), user, password))
    first = seen["first page"].split("\r\n")
    assert first[0] == "show ap database"
    assert len(first) == 1 + 24 + 1  # the echo, one page, the pager prompt
    assert "[mynode] #" not in seen["first page"]  # no prompt while the pager waits
    assert "Total APs" not in seen["first page"] + seen["second page"]
    assert seen["after q"].strip().endswith("(mm-2) [mynode] #")
    assert MORE not in seen["unpaged"]
    assert "Total APs:358" in seen["unpaged"]
    assert seen["unpaged"].count("\r\n") > 358
