"""Which offering a datasheet is about: the headline's product, never a product it is compared
with. Copy is written the way the real-world sample datasheets are (after markitdown)."""

from __future__ import annotations

import pytest

from app.offering import OfferingMatch, resolve_offering

STORE: dict[str, tuple[str, ...]] = {
    "Chronolake": ("Chronolake DB", "Chronolake Cloud"),
    "Prometheus": (),
    "Launchwell": ("Launchwell CD", "Launchwell GitOps"),
    "SignalPath": (),
    "InfluxDB": (),
    "Datadog": (),
}

PROMETHEUS_PAGE = (
    "# Chronolake for Prometheus users\n\n"
    "Keep Prometheus. Lose the disk alarms. A Prometheus-compatible backend for long-term "
    "storage, global query and high availability.\n\n"
    "## Works with the Prometheus you already run\n\n"
    "- Prometheus remote-write: add four lines to prometheus.yml and you're done\n"
    "- 100% PromQL, validated against the Prometheus compliance test suite\n"
    "- Prometheus alerting rules and recording rules run unchanged\n"
    "- Grafana: use the built-in Prometheus data source, no plugin needed\n"
    "- Works with Prometheus Operator and kube-prometheus-stack\n\n"
    "## What you get that Prometheus alone doesn't\n\n"
    "Retention limited by local disk in Prometheus; years on S3 with our backend. "
    "A drop-in replacement for Thanos or Cortex long-term storage. Backfill historical "
    "Prometheus TSDB blocks. One tenant per Prometheus server.\n\n"
    "Start your free trial and connect your first Prometheus in five minutes."
)


def test_headline_product_wins_over_a_competitor_named_more_often() -> None:
    assert PROMETHEUS_PAGE.count("Prometheus") >= 10
    match = resolve_offering(PROMETHEUS_PAGE, STORE)
    assert (match.name, match.known, match.how) == ("Chronolake", True, "named")


def test_store_offering_the_copy_compares_itself_with_is_listed_as_a_competitor() -> None:
    assert resolve_offering(PROMETHEUS_PAGE, STORE).competitors == ("Prometheus",)


@pytest.mark.parametrize(
    ("copy", "competitor"),
    [
        (
            "Long-term metrics storage\n\n"
            "Store a year of metrics in 7x less RAM than InfluxDB. Query with PromQL.",
            "InfluxDB",
        ),
        (
            "Long-term metrics storage\n\n"
            "A drop-in replacement for Prometheus long-term storage. Query with PromQL.",
            "Prometheus",
        ),
        (
            "One bill for metrics, logs and traces\n\n"
            "Migrate from Datadog in an afternoon. Teams that migrate from Datadog keep their "
            "dashboards and alerts.",
            "Datadog",
        ),
    ],
)
def test_comparisons_never_name_the_offering(copy: str, competitor: str) -> None:
    assert resolve_offering(copy, STORE) == OfferingMatch(
        None, False, "unknown", competitors=(competitor,)
    )


@pytest.mark.parametrize(
    "headline",
    [
        "Observability without the surprise invoice",
        "Passwordless sign-in for frontline workers",
        "Downsampling that keeps the spikes",
        "Kubernetes-native backups in minutes",
    ],
)
def test_rare_ordinary_word_opening_a_headline_is_not_a_product_name(headline: str) -> None:
    copy = f"{headline}\n\nMigrate from Datadog in an afternoon and keep your dashboards."
    assert resolve_offering(copy, STORE) == OfferingMatch(
        None, False, "unknown", competitors=("Datadog",)
    )


def test_comparison_in_the_body_is_a_competitor_and_the_headline_product_the_offering() -> None:
    copy = (
        "# Chronolake DB\n\n"
        "Store every metric for years in 7x less RAM than InfluxDB, and query it with PromQL."
    )
    assert resolve_offering(copy, STORE) == OfferingMatch(
        "Chronolake", True, "named", competitors=("InfluxDB",)
    )


@pytest.mark.parametrize(
    "headline",
    ["# Launchwell GitOps", "LAUNCHWELL GITOPS", "Launchwell CD: releases without the ceremony"],
)
def test_alias_in_the_headline_resolves_to_its_offering(headline: str) -> None:
    copy = f"{headline}\n\nEvery environment is described in Git and reconciled to match."
    match = resolve_offering(copy, STORE)
    assert (match.name, match.known, match.how) == ("Launchwell", True, "named")


def test_offering_named_in_the_opening_when_the_headline_names_none() -> None:
    copy = (
        "Metrics that stay fast at Black Friday scale\n\n"
        "SignalPath keeps every failed trace and drops the boring ones."
    )
    match = resolve_offering(copy, STORE)
    assert (match.name, match.how) == ("SignalPath", "named")


@pytest.mark.parametrize(
    ("copy", "name"),
    [
        (
            "# Tessera Pay\n\nTessera Pay takes card, wallet and bank payments in 40 currencies. "
            "Tessera Pay settles to your bank in one day.",
            "Tessera Pay",
        ),
        (
            "BRIGHTVAULT DISASTER RECOVERY (DRaaS)\n"
            "One-click failover to the cloud. Tested every week, not every year.\n\n"
            "Brightvault DR replicates your critical workloads to AWS or Azure continuously.",
            "Brightvault",
        ),
        (
            "Acme Widget offers one-click invoicing for small firms\n\n"
            "Send an invoice in seconds and get paid in days.",
            "Acme Widget",
        ),
        (
            "# Memstash\n\nAn in-memory data store that speaks the Redis protocol. "
            "Drop-in replacement for Redis.",
            "Memstash",
        ),
    ],
)
def test_headline_product_not_in_the_store_is_named_but_not_known(copy: str, name: str) -> None:
    match = resolve_offering(copy, STORE)
    assert (match.name, match.known, match.how) == (name, False, "not_in_store")


def test_all_caps_headline_with_an_ordinary_word_brand_names_that_brand() -> None:
    copy = (
        "KEYSTONE ID - WORKFORCE SSO & PHISHING-RESISTANT MFA\n"
        "Datasheet, Release 2025.2\n\n"
        "One identity for every app. No passwords to phish.\n\n"
        "Keystone ID Workforce gives employees single sign-on to every application. "
        "Keystone ID replaces passwords with passkeys."
    )
    match = resolve_offering(copy, STORE)
    assert (match.name, match.how) == ("Keystone ID", "not_in_store")


def test_all_caps_headline_name_keeps_the_casing_the_copy_uses() -> None:
    copy = (
        "PIPELINEIQ FORECAST\n\n"
        "PipelineIQ Forecast turns CRM activity into a forecast your board can trust. "
        "PipelineIQ weighs what buyers actually do.\n\n"
        "PipelineIQ is a trademark of PipelineIQ Inc."
    )
    match = resolve_offering(copy, STORE)
    assert match.how == "not_in_store"
    assert match.name in ("PipelineIQ", "PipelineIQ Forecast")


def test_headline_name_never_ends_in_an_ampersand() -> None:
    copy = (
        "# LedgerFlow Close & Consolidation\n\n"
        "LedgerFlow Close & Consolidation automates the financial close for multi-entity "
        "groups. LedgerFlow is cloud-native.\n\n"
        "LedgerFlow is a registered trademark of LedgerFlow Inc."
    )
    match = resolve_offering(copy, STORE)
    assert match.how == "not_in_store"
    assert match.name in ("LedgerFlow", "LedgerFlow Close & Consolidation")


def test_page_that_never_names_its_product_is_unknown() -> None:
    copy = (
        "Home / Platform / Ransomware recovery\n\n"
        "Our platform restores clean copies of your VMs in minutes. Our platform keeps "
        "immutable backups for 90 days, and our platform is tested every week."
    )
    assert resolve_offering(copy, STORE) == OfferingMatch(None, False, "unknown")


def test_our_platform_headline_is_not_a_product_name() -> None:
    copy = (
        "Our platform keeps your releases boring\n\nOur platform ships every change behind a flag."
    )
    assert resolve_offering(copy, STORE) == OfferingMatch(None, False, "unknown")


@pytest.mark.parametrize(
    "override", ["Chronolake", "chronolake", "CHRONOLAKE DB", "chronolake cloud"]
)
def test_override_by_name_or_alias_in_any_case_picks_the_offering(override: str) -> None:
    match = resolve_offering(PROMETHEUS_PAGE, STORE, override=override)
    assert match == OfferingMatch("Chronolake", True, "override")


def test_override_wins_over_the_headline() -> None:
    match = resolve_offering(PROMETHEUS_PAGE, STORE, override="SignalPath")
    assert (match.name, match.how) == ("SignalPath", "override")


def test_unknown_override_keeps_the_name_it_was_given() -> None:
    match = resolve_offering(PROMETHEUS_PAGE, STORE, override="  Tessera Pay ")
    assert match == OfferingMatch("Tessera Pay", False, "unknown_override")


def test_empty_store_and_a_named_headline_is_not_in_store() -> None:
    match = resolve_offering("# Chronolake DB\n\nStore years of metrics.", {})
    assert (match.name, match.known, match.how) == ("Chronolake", False, "not_in_store")
