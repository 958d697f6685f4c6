"""`parley bench --quick` runs every scenario on a tiny load and prints its table.

Not a timed test: the figures of a debug build under a test suite mean nothing,
so only the shape is checked (every scenario has a row, the counts add up, no
errors). The real figures are in BENCHMARKS.md, from a release build.
"""

import os
import re
import subprocess

from conftest import REPO_ROOT, parley_bin

SCENARIOS = [
    "ceiling: plain route",
    "ceiling: synced single-row insert transactions",
    "inbound: 1 message per webhook",
    "inbound: paced at",
    "inbound: 10 messages per webhook",
    "memory: idle RSS",
    "memory: peak RSS under inbound load",
    "outbound: agent replies",
    "outbound: limiter set to",
    "seed: 300 tickets",
    "reads: view",
    "reads: a ticket's conversation",
    "reads: search",
]


def test_bench_quick_prints_every_scenario(tmp_path):
    args = [str(parley_bin()), "bench", "--quick", "--work-directory", str(tmp_path / "runs"),
            "--output", str(tmp_path / "table.md")]
    server = os.environ.get("PARLEY_TEST_DATABASE_URL")
    if server:
        args += ["--postgres-url", server, "--skip-sqlite"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    result = subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = (tmp_path / "table.md").read_text()
    assert table.strip() in result.stdout + "\n" + table or "### " in result.stdout, "the table was not printed"
    store = "PostgreSQL" if server else "SQLite"
    assert f"### {store}" in result.stdout, result.stdout
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 9 and cells[0] not in ("scenario", "---"):
            rows[cells[0]] = cells
    for scenario in SCENARIOS:
        matching = [cells for name, cells in rows.items() if name.startswith(scenario)]
        assert matching, f"no row for {scenario!r} in:\n{table}"
        cells = matching[0]
        assert int(cells[1]) > 0, cells
        if not scenario.startswith("outbound: limiter"):
            assert cells[6] == "0", f"errors in {cells}"
    inbound = next(cells for name, cells in rows.items() if name.startswith("inbound: 1 message"))
    assert int(inbound[1]) == 200, f"Parley stored {inbound[1]} of the 200 messages: {inbound}"
    assert re.match(r"[\d.]+ msg/s", inbound[2]), inbound
    # Parley's own processor time for each message, read from /proc while the load ran.
    cpu = re.search(r"Parley's CPU ([\d.]+) ms a message", inbound[8])
    assert cpu and float(cpu.group(1)) > 0, inbound
