"""The Python package as a script that posts identity providers uses it:
run against the installed wheel by scripts/python-check.sh."""

from __future__ import annotations

import dataclasses
import doctest
import json
import pathlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import idplint

REPO = pathlib.Path(__file__).resolve().parents[2]
SECRET = "q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6"

# An Okta OIDC provider whose clock tolerance is given in milliseconds.
OKTA_CREATE = """{
  "protocol": "OIDC",
  "provider": "okta",
  "interactive": true,
  "tenantIds": ["BL4tTJ4S7xrHTcq0zQxQrJ5qB1_Q6cSo"],
  "description": "Okta workforce login for the analytics tenant",
  "clockToleranceSec": 30000,
  "pendingOptions": {
    "discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration",
    "clientId": "0oa8f2k1xzQ4bN3d5697",
    "clientSecret": "${OKTA_CLIENT_SECRET}",
    "realm": "acme",
    "scope": "openid profile email groups",
    "claimsMapping": {
      "sub": ["sub"],
      "name": ["name", "preferred_username"],
      "email": ["email"],
      "groups": ["groups"]
    }
  }
}
"""


def codes(report: idplint.Report) -> list[str]:
    return [d.code for d in report.diagnostics]


def texts(report: idplint.Report) -> list[str]:
    """Every text of every finding, for the secret checks."""
    return [
        str(value)
        for d in report.diagnostics
        for value in dataclasses.astuple(d)
        if value is not None
    ]


def test_qlik_create_with_an_error_points_at_the_value():
    report = idplint.lint(OKTA_CREATE, kind="qlik.create")
    assert report.kind == "qlik.create"
    assert report.skipped is None
    assert report.payloads == 1 and report.container is None
    assert report.has_errors
    [error] = [d for d in report.diagnostics if d.severity == "error"]
    assert (error.code, error.name) == ("IDP201", "clock-tolerance-out-of-range")
    assert error.pointer == "/clockToleranceSec"
    assert (error.line, error.column, error.end_line, error.end_column) == (7, 24, 7, 29)
    assert OKTA_CREATE.encode()[error.offset : error.offset + error.length] == b"30000"
    assert "7200" in error.message
    assert error.help


def test_the_package_docstring_example():
    result = doctest.testmod(idplint)
    assert (result.attempted, result.failed) == (4, 0)


def test_findings_are_frozen_dataclasses():
    report = idplint.lint(OKTA_CREATE)
    assert dataclasses.is_dataclass(report)
    assert isinstance(report.diagnostics, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.diagnostics[0].code = "IDP000"  # type: ignore[misc]
    # Recognised from the shape when no kind is given.
    assert report.kind == "qlik.create"


def test_a_clean_ionos_create_has_no_finding():
    body = (REPO / "testdata/ionos/create/valid-saml.json").read_text()
    report = idplint.lint(body, kind="ionos.create")
    assert report.kind == "ionos.create"
    assert report.diagnostics == ()
    assert not report.has_errors


def test_a_bad_ionos_create_is_found_in_bytes():
    body = json.dumps(
        {
            "properties": {
                "type": "oidc",
                "name": "Acme staff SSO",
                "enabled": "true",
                "domain": "acme-corp.io",
                "configuration": {
                    "oidc": {
                        "openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration",
                        "clientSecret": "${IONOS_IDP_CLIENT_SECRET}",
                        "clientName": "ionos-cloud",
                    }
                },
            }
        }
    ).encode()
    report = idplint.lint(body)
    assert report.kind == "ionos.create"
    assert "/properties/enabled" in [d.pointer for d in report.diagnostics if d.severity == "error"]


def test_a_qlik_patch_path_that_cannot_be_patched():
    patch = '[{"op": "replace", "path": "/options/clockToleranceSec", "value": 30}]'
    report = idplint.lint(patch, kind="qlik.patch", protocol="OIDC")
    assert report.kind == "qlik.patch"
    [finding] = report.diagnostics
    assert finding.code == "IDP603"
    assert finding.pointer == "/0/path"
    assert (finding.line, finding.column) == (1, 28)
    assert "/clockToleranceSec" in finding.help


def test_a_markdown_runbook_with_a_curl_command(tmp_path):
    runbook = tmp_path / "runbook.md"
    runbook.write_text(
        "# Okta sign-in for the analytics tenant\n"
        "\n"
        "```sh\n"
        'curl -X POST "https://$TENANT/api/v1/identity-providers" \\\n'
        '  -H "Authorization: Bearer $QLIK_API_KEY" \\\n'
        "  -H 'Content-Type: application/json' \\\n"
        """  -d '{"protocol": "OIDC", "provider": "okta", "interactive": true,\n"""
        """       "tenantIds": ["BL4tTJ4S7xrHTcq0zQxQrJ5qB1_Q6cSo"],\n"""
        """       "clockToleranceSec": -5,\n"""
        """       "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration",\n"""
        """         "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}",\n"""
        """         "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}'\n"""
        "```\n"
    )
    report = idplint.lint_file(runbook)
    assert report.path == str(runbook)
    assert report.container == "markdown"
    assert report.payloads == 1
    assert report.kind == "qlik.create"
    [error] = [d for d in report.diagnostics if d.severity == "error"]
    assert error.code == "IDP201"
    # The pointer is inside the request's body, the place is the runbook's own.
    assert error.pointer == "/clockToleranceSec"
    assert error.request == 0
    assert (error.line, error.column) == (9, 29)
    line = runbook.read_text().splitlines()[error.line - 1]
    assert line[error.column - 1 : error.end_column - 1] == "-5"


def test_a_body_in_memory_is_a_container_by_its_file_name():
    text = (REPO / "testdata/containers/runbook.md").read_text()
    report = idplint.lint(text, filename="docs/runbook.md")
    assert report.container == "markdown"
    assert report.payloads >= 2


def test_a_dict_body_is_placed_in_its_json_dumps_text():
    body = json.loads(OKTA_CREATE)
    report = idplint.lint(body, kind="qlik.create")
    [error] = [d for d in report.diagnostics if d.severity == "error"]
    assert error.pointer == "/clockToleranceSec"
    lines = json.dumps(body, indent=2).splitlines()
    assert lines[error.line - 1] == '  "clockToleranceSec": 30000,'
    assert lines[error.line - 1][error.column - 1 : error.end_column - 1] == "30000"


def test_a_list_body_is_a_patch():
    report = idplint.lint([{"op": "replace", "path": "/clockToleranceSec", "value": "five"}])
    assert report.kind == "qlik.patch"
    [error] = report.diagnostics
    assert (error.code, error.pointer, error.line) == ("IDP605", "/0/value", 5)
    assert "takes a number" in error.message


def test_invalid_json_is_a_finding_not_an_exception():
    report = idplint.lint('{"protocol": "OIDC", "provider": "okta",}', kind="qlik.create")
    [syntax] = [d for d in report.diagnostics if d.code == "IDP001"]
    assert "trailing comma" in syntax.message
    assert (syntax.line, syntax.column) == (1, 40)
    report = idplint.lint(b'{"protocol": "OIDC\xff"}')
    assert codes(report) == ["IDP001"]
    assert "UTF-8" in report.diagnostics[0].message


@pytest.mark.parametrize(
    "call",
    [
        lambda: idplint.lint("{}", kind="qlik.creat"),
        lambda: idplint.lint("{}", kind="qlik.patch", protocol="oidc"),
        lambda: idplint.lint(42),
        lambda: idplint.lint(None),
        lambda: idplint.lint({"created": object()}),
        lambda: idplint.lint({"clockToleranceSec": float("nan")}),
        lambda: idplint.lint("{\ud800}"),
        lambda: idplint.lint_file(42),
        lambda: idplint.Config.from_str('ignore = ["IDP201"]\nfoo = 1\n'),
    ],
    ids=[
        "unknown-kind",
        "unknown-protocol",
        "int-body",
        "none-body",
        "unserialisable-dict",
        "nan",
        "lone-surrogate",
        "int-path",
        "bad-config",
    ],
)
def test_bad_input_raises_idplint_error(call):
    with pytest.raises(idplint.IdplintError):
        call()


def test_idplint_error_is_a_value_error_with_a_clear_message(tmp_path):
    assert issubclass(idplint.IdplintError, ValueError)
    with pytest.raises(ValueError, match="unknown kind `okta`: expected one of qlik.create"):
        idplint.lint("{}", kind="okta")
    missing = tmp_path / "missing.json"
    with pytest.raises(idplint.IdplintError, match="missing.json: cannot read file"):
        idplint.lint_file(missing)
    with pytest.raises(idplint.IdplintError, match="a directory"):
        idplint.lint_file(tmp_path)


def test_a_client_secret_never_appears_in_a_finding(tmp_path):
    create = json.loads(OKTA_CREATE)
    create["pendingOptions"]["clientSecret"] = SECRET
    create["pendingOptions"]["client_secret"] = SECRET
    create["options"] = {"clientSecret": SECRET, "clockToleranceSec": SECRET}
    report = idplint.lint(create, kind="qlik.create")
    assert "/pendingOptions/clientSecret" in [d.pointer for d in report.diagnostics]
    assert len(report.diagnostics) >= 4
    assert not [t for t in texts(report) if SECRET in t]

    script = tmp_path / "create-idp.sh"
    script.write_text(
        'curl -X POST "https://acme.eu.qlikcloud.com/api/v1/identity-providers" \\\n'
        f'  -H "Authorization: Bearer {SECRET}" \\\n'
        f"""  -d '{json.dumps(create)}'\n"""
    )
    report = idplint.lint_file(script)
    assert report.container == "shell"
    assert "IDP011" in codes(report)
    assert not [t for t in texts(report) if SECRET in t]


def test_kinds_and_protocols():
    assert idplint.KINDS == ("qlik.create", "qlik.patch", "ionos.create", "ionos.ensure")
    assert idplint.PROTOCOLS == ("OIDC", "jwtAuth", "SAML")


def test_the_rule_catalogue():
    rules = idplint.rules()
    assert len(rules) >= 63
    by_code = {r.code: r for r in rules}
    assert len(by_code) == len(rules)
    assert [r.code for r in rules] == sorted(by_code)
    assert by_code["IDP001"].name == "invalid-json"
    assert by_code["IDP201"].severity == "error"
    for rule in rules:
        assert rule.summary and rule.docs.startswith(rule.summary)
        assert isinstance(rule.kinds, tuple) and set(rule.kinds) <= set(idplint.KINDS)
        assert rule.severity in ("error", "warning", "info")


def test_a_config_ignores_a_rule():
    assert "IDP201" in codes(idplint.lint(OKTA_CREATE))
    config = idplint.Config.from_str('ignore = ["IDP201"]')
    assert config.path is None
    report = idplint.lint(OKTA_CREATE, config=config)
    assert "IDP201" not in codes(report)
    assert codes(report) == ["IDP010"]


def test_a_config_file_sets_severities_and_kinds(tmp_path):
    (tmp_path / "idplint.toml").write_text(
        '[severity]\nIDP201 = "warning"\n\n[kinds]\n"idp/*.patch.json" = "qlik.patch"\n'
    )
    config = idplint.Config.from_path(tmp_path / "idplint.toml")
    assert config.path == tmp_path / "idplint.toml"
    report = idplint.lint(OKTA_CREATE, config=config)
    assert [(d.code, d.severity) for d in report.diagnostics if d.code == "IDP201"] == [
        ("IDP201", "warning")
    ]
    assert not report.has_errors
    # `[kinds]` pins the kind of a file by its path: an object is then a bad patch.
    (tmp_path / "idp").mkdir()
    patch = tmp_path / "idp" / "okta.patch.json"
    patch.write_text(OKTA_CREATE)
    assert idplint.lint_file(patch, config=config).kind == "qlik.patch"
    assert idplint.lint_file(patch).kind == "qlik.create"


def test_a_config_error_names_the_key(tmp_path):
    path = tmp_path / "idplint.toml"
    path.write_text('[severity]\nIDP201 = "loud"\n')
    with pytest.raises(idplint.IdplintError, match="loud"):
        idplint.Config.from_path(path)
    with pytest.raises(idplint.IdplintError, match="cannot read"):
        idplint.Config.from_path(tmp_path / "absent.toml")


def test_one_linter_serves_many_threads():
    config = idplint.Config.from_str('ignore = ["IDP010"]')
    expected = idplint.lint(OKTA_CREATE, config=config)
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: idplint.lint(OKTA_CREATE, config=config), range(200)))
    assert all(r == expected for r in reports)
    assert codes(expected) == ["IDP201"]


def test_linting_releases_the_interpreter_lock():
    ops = ",\n".join(
        '  {"op": "replace", "path": "/description", "value": "updated %d"}' % i
        for i in range(20_000)
    )
    patch = f"[\n{ops}\n]\n"
    span = {}

    def lint_in_a_thread():
        span["start"] = time.perf_counter()
        span["report"] = idplint.lint(patch, kind="qlik.patch")
        span["end"] = time.perf_counter()

    worker = threading.Thread(target=lint_in_a_thread)
    ticks = []
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    assert span["report"].kind == "qlik.patch"
    start, end = span["start"], span["end"]
    quarter = (end - start) / 4
    # Had the lint held the lock, this thread could not have run meanwhile.
    assert [t for t in ticks if start + quarter < t < end - quarter]


def test_a_config_fills_in_template_variables_of_a_container():
    script = (
        'curl -X POST "https://$TENANT/api/v1/identity-providers" \\\n'
        '  -H "Authorization: Bearer $QLIK_API_KEY" \\\n'
        """  -d '{"protocol": "jwtAuth", "provider": "external", "interactive": false,\n"""
        """       "clockToleranceSec": '"$SKEW"',\n"""
        """       "options": {"issuer": "https://issuer.acme-corp.io"}}'\n"""
    )
    plain = idplint.lint(script, filename="create-idp.sh")
    assert plain.container == "shell" and plain.payloads == 1
    assert "IDP201" not in codes(plain)
    config = idplint.Config.from_str('[vars]\nSKEW = "30000"\n')
    filled = idplint.lint(script, filename="create-idp.sh", config=config)
    assert [d.pointer for d in filled.diagnostics if d.code == "IDP201"] == ["/clockToleranceSec"]
