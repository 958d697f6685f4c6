"""Parley's OpenAPI document is valid, and schemathesis's generated requests never get a 5xx.

Schemathesis (from PyPI) reads /api/v2/openapi.json and sends thousands of generated and mutated requests
(wrong types, huge numbers, odd query strings, missing fields) to every documented operation. Every answer
must be 2xx or 4xx, and the server must stay up. It found two crashes before they were fixed: an empty pair in
a query string and a page number large enough to overflow the offset.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import requests
from openapi_spec_validator import validate

from conftest import ParleyServer, create_api_token

MAX_EXAMPLES = os.environ.get("PARLEY_FUZZ_EXAMPLES", "10")


def test_openapi_document_is_valid(parley):
    document = requests.get(parley.url("/api/v2/openapi.json"), timeout=30).json()
    validate(document)
    assert "/api/v2/tickets" in document["paths"]
    assert document["paths"]["/api/v2/tickets/{ticket_id}"]["put"]["requestBody"]


def test_generated_requests_never_get_a_server_error(tmp_path, database_url):
    # A server of its own: the fuzzer creates and deletes many records.
    server = ParleyServer(tmp_path / "data", tmp_path / "server.log", database_url)
    server.start()
    try:
        token = create_api_token(server, "schemathesis")
        schemathesis = Path(sys.executable).with_name("schemathesis")
        result = subprocess.run(
            [str(schemathesis), "run", server.url("/api/v2/openapi.json"), "-H", f"Authorization: Bearer {token}",
             "--checks", "not_a_server_error", "--max-examples", MAX_EXAMPLES, "--seed", "20261125", "--no-color"],
            capture_output=True, text=True, timeout=600, cwd=tmp_path)  # its cache stays out of the repository
        output = result.stdout + result.stderr
        summary = re.search(r"(\d+) generated, (\d+) passed", output)
        print(f"\nschemathesis: {summary.group(0) if summary else 'no summary'}; exit {result.returncode}")
        assert result.returncode == 0, output[-4000:]
        assert summary and summary.group(1) == summary.group(2), output[-4000:]
        log = server.log_text()
        assert "Fatal error" not in log, log[-4000:]
        assert "Unhandled error" not in log, log[-4000:]
        assert requests.get(server.url("/healthz"), timeout=10).status_code == 200, "the server must still be up"
    finally:
        server.stop()
