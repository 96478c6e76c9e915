from __future__ import annotations

import pytest

from clearance.detectors.pii.secrets import SecretsDetector, scan_secrets
from clearance.model import Item


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", ["AWS_ACCESS_KEY_ID"]),
        ("token: ghp_abcdefghijklmnopqrstuvwxyz0123456789", ["GITHUB_TOKEN"]),
        ("key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'", ["STRIPE_KEY"]),
        ("GOOGLE = AIzaSyA1234567890abcdefghijklmnopqrstuv", ["GOOGLE_API_KEY"]),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n", ["PRIVATE_KEY"]),
        ("db = postgres://admin:s3cretpw@db.example.com/x", ["URL_PASSWORD"]),
        (
            'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
            ["HIGH_ENTROPY_BASE64"],
        ),
        ('password = "hunter2hunter2!"', ["PASSWORD"]),
        # negatives: placeholders, low entropy, prose
        ('password = "changeme"', []),
        ("api_key = os.environ['API_KEY']", []),
        ('token = "aaaaaaaaaaaaaaaaaaaaaaaa"', []),
        ("The secret to good bread is time.", []),
        ("AKIA is a prefix; AKIAshort is not a key", []),
    ],
)
def test_secret_table(text: str, expected: list[str]) -> None:
    assert [s.name for s in scan_secrets(text)] == expected


def test_secret_findings_mask_the_key() -> None:
    text = "x = 1\ntoken: ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"
    item = Item.from_bytes(
        source="s", locator="f", uri="f", media_type="text/plain", data=text.encode()
    )
    [finding] = list(SecretsDetector().detect(item))
    assert finding.kind == "secret" and finding.line == 2 and finding.value == "GITHUB_TOKEN"
    assert finding.evidence.startswith("ghp_") and "abcdefgh" not in finding.evidence
